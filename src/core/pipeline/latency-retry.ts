/**
 * A latency target the timed model misses by more than 10 % is planned again for a corrected
 * fraction. The plan's estimate adds node times measured one by one, at other moments than the final
 * check (a busy machine inflates some of them), while the check times the model whole, interleaved
 * with the original; the miss is mostly a scale error, so each retry scales the planned fraction by
 * target / measured. The run closest to the target is kept.
 */
import type { PipelineResult } from './types';

/** Re-plans after a miss at most this many times. */
export const TARGET_CORRECTIONS = 2;

/** How far a run's measured fraction is from its target (relative); Infinity when not measured. */
export function missOf(r: PipelineResult): number {
  const t = r.latencyTarget;
  return t?.measuredFraction === undefined ? Infinity : Math.abs(t.measuredFraction / t.fraction - 1);
}

/** Runs `run` planned for `target`, then for corrected fractions while it misses; the closest run. */
export async function toLatencyTarget(
  target: number,
  run: (plannedFraction: number, attempt: number) => Promise<PipelineResult>,
): Promise<PipelineResult> {
  let last = await run(target, 1);
  let best = last;
  for (let attempt = 2; attempt <= TARGET_CORRECTIONS + 1; attempt++) {
    const t = last.latencyTarget;
    if (!t?.measuredFraction || t.withinTolerance !== false) break;
    const planned = t.plannedFraction ?? target;
    last = await run(Math.min(1, Math.max(0.01, (planned * target) / t.measuredFraction)), attempt);
    if (missOf(last) < missOf(best)) best = last;
  }
  return best;
}

/**
 * A latency target the timed model misses by more than 10 % is planned again for a corrected
 * fraction. The plan's estimate adds node times measured one by one, at other moments than the final
 * check (a busy machine inflates some of them), while the check times the model whole, interleaved
 * with the original. Retries plan for a fraction corrected by the runs so far (see
 * {@link nextPlannedFraction}); the run closest to the target is kept.
 */
import type { PipelineResult } from './types';

/** Re-plans after a miss at most this many times. */
export const TARGET_CORRECTIONS = 3;

/** How far a run's measured fraction is from its target (relative); Infinity when not measured. */
export function missOf(r: PipelineResult): number {
  const t = r.latencyTarget;
  return t?.measuredFraction === undefined ? Infinity : Math.abs(t.measuredFraction / t.fraction - 1);
}

/**
 * The next fraction to plan for: within the tightest bracket of planned fractions, the runs planned
 * highest among those measured fast of the target and lowest among those measured slow, the straight
 * line through them (the measured fraction grows with the planned one, not in proportion: INT8 alone
 * sets a floor); otherwise the last planned fraction scaled by target / measured. The bracket is taken
 * on the planned axis, the one searched: on a small model a later plan can time a little faster than
 * an earlier, lower one, and a bracket by measured figures would then ask for that plan again.
 */
export function nextPlannedFraction(
  target: number,
  tried: readonly { planned: number; measured: number }[],
): number {
  const below = tried.filter((t) => t.measured < target).sort((a, b) => b.planned - a.planned)[0];
  const above = tried.filter((t) => t.measured > target).sort((a, b) => a.planned - b.planned)[0];
  const last = tried[tried.length - 1];
  const next =
    below && above && above.measured > below.measured && above.planned > below.planned
      ? below.planned +
        ((target - below.measured) * (above.planned - below.planned)) / (above.measured - below.measured)
      : (last.planned * target) / last.measured;
  return Math.min(1, Math.max(0.01, next));
}

/** Runs `run` planned for `target`, then for corrected fractions while it misses; the closest run. */
export async function toLatencyTarget(
  target: number,
  run: (plannedFraction: number, attempt: number) => Promise<PipelineResult>,
): Promise<PipelineResult> {
  let last = await run(target, 1);
  let best = last;
  const tried: { planned: number; measured: number }[] = [];
  /** Whether `last` is in `tried` already. */
  let listed = false;
  for (let attempt = 2; attempt <= TARGET_CORRECTIONS + 1; attempt++) {
    const t = last.latencyTarget;
    if (!t?.measuredFraction || t.withinTolerance !== false) break;
    tried.push({ planned: t.plannedFraction ?? target, measured: t.measuredFraction });
    const next = nextPlannedFraction(target, tried);
    // The same plan again (pinned at 1 when INT8 alone is already faster than the target) would only
    // time the same model again.
    if (tried.some((x) => Math.abs(x.planned - next) < 1e-6)) {
      listed = true;
      break;
    }
    last = await run(next, attempt);
    if (missOf(last) < missOf(best)) best = last;
  }
  const t = last.latencyTarget;
  if (!listed && t?.measuredFraction !== undefined && tried.length)
    tried.push({ planned: t.plannedFraction ?? target, measured: t.measuredFraction });
  return tried.length && best.latencyTarget
    ? { ...best, latencyTarget: { ...best.latencyTarget, runs: tried } }
    : best;
}

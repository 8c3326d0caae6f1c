/**
 * The whole-model check's rule. Per-node timings sum to a prediction; the quantized model timed whole
 * against its float model has the last word, but only where the runs can tell the two apart: on a
 * shared machine two timings of the same model differ by a few per cent, and a mix read 0.4 % slower
 * once is a tie, not a loss (RegNetY-400MF shipped float on such a reading).
 *
 * The test: if both models were equally fast, their 2n runs would be exchangeable and the chance that
 * the k fastest of them are all float is C(n, k) / C(2n, k) (a permutation test on the fastest runs).
 * Descheduling only ever adds time, so the fastest runs are the models' own cost and a loaded machine
 * makes the test cautious (keeping INT8), never wrong the other way.
 */
import { compareLatency, percentile, type InferenceRuntime } from '../eval';
import type { WholeModelTiming } from './types';
import type { TimerOptions } from './timer';

/** One-sided chance of calling a tie a loss. */
const ALPHA = 0.025;

/**
 * True when the INT8 mix ships: unless INT8 is slower beyond the noise of the runs. A tie keeps INT8
 * (the per-node profile chose it, and the file is smaller).
 */
export function int8Holds(t: WholeModelTiming): boolean {
  return t.fastestFloat < t.needed;
}

/** Times the quantized model and its float model interleaved in `runtime`. */
export async function timeWholeModel(
  runtime: InferenceRuntime,
  int8: Uint8Array,
  float: Uint8Array,
  options: TimerOptions = {},
): Promise<WholeModelTiming> {
  const r = await compareLatency(
    runtime,
    [
      { label: 'float', bytes: float },
      { label: 'int8', bytes: int8 },
    ],
    { runs: options.runs ?? 15, warmup: options.warmup ?? 3, signal: options.signal },
  );
  return wholeModelTiming(r.rounds[0], r.rounds[1]);
}

/** The figures of the check from the runs of each model (milliseconds, the same count of each). */
export function wholeModelTiming(float: ArrayLike<number>, int8: ArrayLike<number>): WholeModelTiming {
  const n = float.length;
  const p10 = (t: ArrayLike<number>) => percentile(Float64Array.from(t).sort(), 10);
  const fastestInt8 = Math.min(...Array.from(int8));
  let fastestFloat = 0;
  for (let i = 0; i < n; i++) if (float[i] < fastestInt8) fastestFloat++;
  return { int8Ms: p10(int8), floatMs: p10(float), runs: n, fastestFloat, needed: runsNeeded(n) };
}

/** The fewest k with C(n, k) / C(2n, k) ≤ {@link ALPHA}; n + 1 when none (too few runs to decide). */
export function runsNeeded(n: number): number {
  let chance = 1;
  for (let k = 1; k <= n; k++) {
    chance *= (n - k + 1) / (2 * n - k + 1);
    if (chance <= ALPHA) return k;
  }
  return n + 1;
}

/** The verdict in words, with the figures. */
export function describeWholeModel(t: WholeModelTiming): string {
  const pct = ((t.int8Ms / t.floatMs - 1) * 100).toFixed(1);
  const verdict = int8Holds(t)
    ? `within the noise of the runs`
    : `slower beyond the noise: the ${t.fastestFloat} fastest of ${2 * t.runs} runs were float`;
  return `10th percentiles ${t.int8Ms.toFixed(3)} ms INT8 vs ${t.floatMs.toFixed(3)} ms float (${pct} %), ${verdict} (INT8 counts as slower when its fastest run trails ${t.needed} float runs)`;
}

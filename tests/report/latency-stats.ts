import type { LatencyStats } from '../../src/core/eval';

/** Latency figures of a steady backend: every statistic is the median. */
export const latencyStats = (medianMs: number, backend: LatencyStats['backend'] = 'wasm'): LatencyStats => ({
  label: '',
  backend,
  threads: 1,
  batch: 1,
  warmup: 1,
  runs: 5,
  medianMs,
  p10Ms: medianMs,
  p90Ms: medianMs,
  meanMs: medianMs,
  samplesPerSecond: 1000 / medianMs,
  sessionCreateMs: 1,
  modelBytes: 0,
});

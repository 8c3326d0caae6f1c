import type { Backend, InferenceRuntime, RuntimeSession, TensorData } from './types';
import { syntheticFeeds } from './synthetic-feeds';

export interface LatencyOptions {
  /** Untimed runs per model before timing (default 5). */
  readonly warmup?: number;
  /** Timed runs per model (default 30). */
  readonly runs?: number;
  /** Batch size for symbolic batch dims (default 1). */
  readonly batch?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Timing of one model on one backend; all times in milliseconds. */
export interface LatencyStats {
  readonly label: string;
  readonly backend: Backend;
  readonly threads: number;
  readonly batch: number;
  readonly warmup: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly meanMs: number;
  /** batch / median. */
  readonly samplesPerSecond: number;
  /**
   * Session creation (parse, optimise, allocate), timed apart from runs. The first session of a fresh
   * onnxruntime-web runtime also pays for compiling the wasm module.
   */
  readonly sessionCreateMs: number;
  readonly modelBytes: number;
}

/** `b` relative to `a`: the median over rounds of t_b / t_a, so slow drift hits both and cancels. */
export interface LatencyRatio {
  readonly a: string;
  readonly b: string;
  readonly ratio: number;
}

export interface LatencyComparison {
  readonly models: LatencyStats[];
  readonly ratios: LatencyRatio[];
  /** Milliseconds of every timed run, per model in round order (round r of each model ran together). */
  readonly rounds: Float64Array[];
}

/**
 * Times several models interleaved — one run of each per round (A B A B …) — so that thermal and
 * scheduler drift fall on every model alike. Reports median, p10 and p90 per model and the median
 * per-round ratio for every pair.
 */
export async function compareLatency(
  runtime: InferenceRuntime,
  models: readonly { label: string; bytes: Uint8Array }[],
  options: LatencyOptions = {},
): Promise<LatencyComparison> {
  const warmup = options.warmup ?? 5;
  const runs = options.runs ?? 30;
  const batch = options.batch ?? 1;
  const sessions: { session: RuntimeSession; createMs: number; feeds: Record<string, TensorData> }[] = [];
  try {
    for (const m of models) {
      const t0 = performance.now();
      const session = await runtime.createSession(m.bytes);
      const createMs = performance.now() - t0;
      sessions.push({ session, createMs, feeds: syntheticFeeds(session.inputs, batch) });
    }
    for (let w = 0; w < warmup; w++) for (const s of sessions) await s.session.run(s.feeds);
    const times = sessions.map(() => new Float64Array(runs));
    for (let r = 0; r < runs; r++) {
      options.signal?.throwIfAborted();
      for (let i = 0; i < sessions.length; i++) {
        const t0 = performance.now();
        await sessions[i].session.run(sessions[i].feeds);
        times[i][r] = performance.now() - t0;
      }
      options.onProgress?.(r + 1, runs);
    }
    const stats = models.map((m, i): LatencyStats => {
      const sorted = Float64Array.from(times[i]).sort();
      const median = percentile(sorted, 50);
      return {
        label: m.label,
        backend: runtime.backend,
        threads: runtime.threads,
        batch,
        warmup,
        runs,
        medianMs: median,
        p10Ms: percentile(sorted, 10),
        p90Ms: percentile(sorted, 90),
        meanMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, runs),
        samplesPerSecond: (batch * 1000) / median,
        sessionCreateMs: sessions[i].createMs,
        modelBytes: m.bytes.byteLength,
      };
    });
    const ratios: LatencyRatio[] = [];
    for (let a = 0; a < models.length; a++) {
      for (let b = a + 1; b < models.length; b++) {
        const perRound = times[b].map((t, r) => t / times[a][r]).sort();
        ratios.push({ a: models[a].label, b: models[b].label, ratio: percentile(perRound, 50) });
      }
    }
    return { models: stats, ratios, rounds: times };
  } finally {
    for (const s of sessions) await s.session.release();
  }
}

/** One model's latency; {@link compareLatency} with a single entry. */
export async function measureLatency(
  runtime: InferenceRuntime,
  model: { label: string; bytes: Uint8Array },
  options: LatencyOptions = {},
): Promise<LatencyStats> {
  return (await compareLatency(runtime, [model], options)).models[0];
}

/** The p-th percentile of ascending `sorted`, interpolating linearly between ranks (NumPy's default). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = ((n - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

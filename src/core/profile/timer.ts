/**
 * A {@link LatencyTimer} over any `InferenceRuntime`: the CLI hands it onnxruntime-node or
 * onnxruntime-web wasm, a worker hands it wasm (1 or N threads) or WebGPU.
 *
 * Why sessions per node rather than onnxruntime's own profiler (`enableProfiling`): a trace times the
 * kernels of one model as onnxruntime fused it, so it cannot say what the same node costs in the other
 * precision without building that model anyway; its per-kernel events carry the profiler's own
 * overhead, and onnxruntime-web in Node only prints the trace to the console. Small models run
 * interleaved (A B A B …, low percentile) give numbers that hold up on a loaded machine.
 */
import { compareLatency, type InferenceRuntime } from '../eval';
import type { LatencyTimer } from './types';

export interface TimerOptions {
  /** Timed rounds (default 15). */
  readonly runs?: number;
  /** Untimed rounds first (default 3). */
  readonly warmup?: number;
  readonly signal?: AbortSignal;
}

export function runtimeTimer(runtime: InferenceRuntime, options: TimerOptions = {}): LatencyTimer {
  return {
    key: `${runtime.backend}/${runtime.threads}`,
    time: async (models) => {
      const r = await compareLatency(
        runtime,
        models.map((bytes, i) => ({ label: String(i), bytes })),
        { runs: options.runs ?? 15, warmup: options.warmup ?? 3, signal: options.signal },
      );
      // The 10th percentile, not the median: on a loaded machine a run is often descheduled (a 1 ms
      // model then reads 50-150 ms in over half its runs); the fast runs are the model's own cost.
      return r.models.map((m) => m.p10Ms);
    },
  };
}

/** What the latency profile measures and decides: plain JSON, so the CLI prints it and the studio shows it. */

/**
 * Times models in the runtime the user targets. Implementations run each model in that runtime
 * (onnxruntime-node in the CLI, onnxruntime-web wasm with 1 or N threads or WebGPU in a worker).
 */
export interface LatencyTimer {
  /** The runtime in cache keys: "wasm/1", "native/4". Timings from different keys never mix. */
  readonly key: string;
  /** Milliseconds of each model (a low percentile of its runs), the models run interleaved round by round. */
  time(models: readonly Uint8Array[]): Promise<number[]>;
}

/** One quantizable node's timing in isolation, at its real shapes, batch 1. */
export interface NodeLatency {
  readonly node: string;
  readonly opType: string;
  /** The Relu/Clip that runs inside it (fused in both precisions). */
  readonly absorbed?: string;
  readonly floatMs: number;
  /** The fused integer kernel (uint8 in and out); undefined when the quantizer leaves the node float. */
  readonly int8Ms?: number;
  /** QuantizeLinear on each activation input: paid where a float node feeds this one in INT8. */
  readonly quantizeInMs: number;
  /** DequantizeLinear on the output: paid where this node in INT8 feeds a float one. */
  readonly dequantizeOutMs: number;
  /** Taken from the cache rather than timed now. */
  readonly cached: boolean;
}

export interface LatencyProfile {
  /** {@link LatencyTimer.key} of the runtime measured. */
  readonly runtime: string;
  readonly nodes: readonly NodeLatency[];
  /** Models timed in this call (cache misses). */
  readonly timedModels: number;
}

/**
 * `speed`: INT8 only where the runtime runs the node (and its borders) faster; `size`: INT8 wherever
 * the quantizer can (smallest file, whatever the speed); `auto`: INT8 unless it is measurably slower
 * (by more than 5 %), so a tie keeps the smaller file.
 */
export type PrecisionMode = 'speed' | 'size' | 'auto';

export interface NodePrecision {
  readonly node: string;
  readonly opType: string;
  readonly precision: 'int8' | 'float';
  /** Why, in words with the measured figures. */
  readonly reason: string;
  readonly floatMs?: number;
  readonly int8Ms?: number;
}

export interface PrecisionChoice {
  readonly mode: PrecisionMode;
  readonly runtime: string;
  readonly nodes: readonly NodePrecision[];
  /** Nodes to keep float (the quantizer's `exclude`). */
  readonly exclude: readonly string[];
  /** Sums over the profiled nodes: everything float, everything INT8, the choice (borders included). */
  readonly predictedMs: { readonly float: number; readonly int8: number; readonly chosen: number };
  /** The quantized model timed whole against its float model, once the choice was applied. */
  readonly verified?: WholeModelTiming;
}

/** A quantized model timed whole against its float model, interleaved round by round. */
export interface WholeModelTiming {
  /** 10th percentiles of the runs. */
  readonly int8Ms: number;
  readonly floatMs: number;
  /** Runs of each model. */
  readonly runs: number;
  /** How many of all runs, fastest first, are float before the first INT8 one. */
  readonly fastestFloat: number;
  /**
   * How many that must be for INT8 to count as slower: the fewest k whose chance, were both models
   * equally fast, is at most 2.5 % (C(runs, k) / C(2·runs, k)).
   */
  readonly needed: number;
}

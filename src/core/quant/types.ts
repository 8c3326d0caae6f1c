/**
 * Plain, JSON-serialisable descriptions of a quantization: the scheme asked for, the plan (which
 * tensors get QuantizeLinear/DequantizeLinear, which weights become int8), calibrated ranges and the
 * fusion report. Nodes are named by `GraphNode.name` (`prepareForQuantization` names unnamed ones).
 */

/** Activation element type: asymmetric uint8 (zero point free) or symmetric int8 (zero point 0). */
export type ActivationType = 'uint8' | 'int8';

/** Range observers; see `calib/observers.ts`. */
export type CalibrationMethod = 'minmax' | 'ema' | 'percentile' | 'entropy' | 'mse';

export interface QuantScheme {
  /** Activations: `uint8` asymmetric (default: fast in onnxruntime) or `int8` symmetric. */
  readonly activations: ActivationType;
  /** Weights: symmetric int8 per output channel (default) or one scale per tensor. */
  readonly perChannel: boolean;
}

export const DEFAULT_SCHEME: QuantScheme = { activations: 'uint8', perChannel: true };

export interface PlanOptions extends Partial<QuantScheme> {
  /** Node names that stay float. */
  readonly exclude?: readonly string[];
  /** Op types quantized when their inputs allow (default: {@link DEFAULT_OP_TYPES}). */
  readonly opTypes?: readonly string[];
  /** Keep a detector's box decoding float (default true; see `plan/decoding-tail.ts`). */
  readonly keepDecodingFloat?: boolean;
}

/** One activation tensor that gets a QuantizeLinear and, per reader, a DequantizeLinear. */
export interface ActivationQuant {
  /**
   * Take scale and zero point from this tensor instead of calibrating (MaxPool, Reshape, … must keep
   * their input's parameters for onnxruntime to drop their Q/DQ).
   */
  readonly shareWith?: string;
  /** Values are known to lie in this range (a Clip absorbed before the Q): the range is cut to it. */
  readonly clip?: readonly [number, number];
}

/** One float initializer read by a node as a weight, stored as int8. */
export interface WeightQuant {
  readonly node: string;
  readonly input: number;
  /** Channel axis for per-channel scales; undefined for one scale. */
  readonly axis?: number;
}

/** A bias stored as int32 with scale = input scale × weight scale (per channel). */
export interface BiasQuant {
  readonly node: string;
  readonly input: number;
  /** The activation whose scale multiplies the weight's. */
  readonly activation: string;
  /** The weight initializer (its scales). */
  readonly weight: string;
}

/**
 * A bias left in float because its int32 at scale s_x·s_w would overflow (a tiny input or weight
 * range): clamping would silently replace it by a far smaller value. Its node does not fuse.
 */
export interface FloatBias {
  readonly node: string;
  readonly bias: string;
  /** Largest |b| / (s_x·s_w) over the bias (Infinity where that scale is 0); int32 holds 2³¹ − 1. */
  readonly peak: number;
}

/** How a node takes part in the quantized model. */
export type NodeRole =
  /** Conv, Gemm, MatMul, Add, Concat, GlobalAveragePool, …: onnxruntime runs an integer kernel. */
  | 'quantized'
  /** MaxPool, Reshape, Flatten, …: runs on the integer values, Q/DQ dropped. */
  | 'passthrough'
  /** Relu/Clip between a quantized op and its Q: the Q's range does its work, onnxruntime removes it. */
  | 'absorbed'
  /** Only the weight is int8 (no integer kernel, e.g. ConvTranspose): the file shrinks, speed does not change. */
  | 'weight-only';

export interface QuantPlan {
  readonly scheme: QuantScheme;
  /** Activation tensors to quantize, by tensor name. */
  readonly activations: Readonly<Record<string, ActivationQuant>>;
  /** Weights by initializer name (an initializer read by several nodes is listed per node use). */
  readonly weights: readonly (WeightQuant & { readonly name: string })[];
  readonly biases: readonly (BiasQuant & { readonly name: string })[];
  /** Role of every node that is not plain float. */
  readonly nodes: Readonly<Record<string, NodeRole>>;
  /** Nodes kept float on request. */
  readonly excluded: readonly string[];
  /** Nodes the planner kept float on its own, with the reason (e.g. "box decoding: kept float"). */
  readonly kept: Readonly<Record<string, string>>;
}

/** A calibrated range per activation tensor. */
export type Ranges = Record<string, { readonly min: number; readonly max: number }>;

/** One QDQ unit as onnxruntime's CPU QDQ selectors would see it. */
export interface FusionUnit {
  readonly node: string;
  readonly opType: string;
  readonly fused: boolean;
  /** What onnxruntime turns it into (QLinearConv, QGemm, MaxPool on uint8, …). */
  readonly fusedAs?: string;
  /** Why it is not fused. */
  readonly reason?: string;
  /** Relu/Clip removed with it. */
  readonly absorbed?: string;
}

export interface FusionReport {
  readonly units: readonly FusionUnit[];
  readonly fused: number;
  readonly unfused: number;
  readonly fullyFused: boolean;
  /** Count of predicted op types after onnxruntime's QDQ fusion, e.g. {QLinearConv: 9}. */
  readonly predictedOps: Readonly<Record<string, number>>;
}

/**
 * Quantization parameters learned by quantization-aware training (`core/qat`), used by
 * `applyQuantization` in place of the calibrated ranges and the max|w|/127 weight scales.
 */
export interface LearnedParams {
  /** Scale and zero point of each activation tensor that has parameters of its own (no `shareWith`). */
  readonly activations: Readonly<Record<string, { readonly scale: number; readonly zeroPoint: number }>>;
  /** Weight scales by `weightKey` (initializer name and channel axis). */
  readonly weights: Readonly<Record<string, Float32Array>>;
}

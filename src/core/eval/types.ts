/**
 * The runtime-agnostic face of inference: pipeline code sees only these types, so it can be tested with
 * any runtime. The onnxruntime adapter in `runtime/` is one implementation.
 */

/** Element type names, as onnxruntime spells them. */
export type TensorElementType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string';

/** Typed arrays a tensor can hold. */
export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A dense tensor on the CPU, row-major. */
export interface TensorData {
  readonly type: TensorElementType;
  readonly data: TensorArray;
  readonly dims: readonly number[];
}

/** An input or output as the model declares it; symbolic dims are strings, unknown shape is `[]`. */
export interface ValueMeta {
  readonly name: string;
  readonly type: TensorElementType | 'unknown';
  readonly shape: readonly (number | string)[];
}

/** Where a session runs. `native` is onnxruntime-node (Node CLI only). */
export type Backend = 'wasm' | 'webgpu' | 'native';

/** One loaded model, ready to run. */
export interface RuntimeSession {
  readonly inputs: readonly ValueMeta[];
  readonly outputs: readonly ValueMeta[];
  /**
   * Runs the model. `fetches` limits which outputs are computed and returned (all when omitted).
   * Returned arrays belong to the caller.
   */
  run(
    feeds: Readonly<Record<string, TensorData>>,
    fetches?: readonly string[],
  ): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

/** How a session is prepared. */
export interface SessionOptions {
  /**
   * Let onnxruntime rewrite the graph (fusions, Identity elimination; default true). A pass that reads
   * inner tensors turns it off: the rewrites can lose them (see `capture`).
   */
  readonly optimize?: boolean;
  /**
   * The caller computes between runs (observers, least-squares kernels): onnxruntime's threads then
   * sleep after a run instead of spin-waiting for the next one, which would burn the cores that work
   * needs (on 2 cores it doubled recovery's CPU time). Default false: back-to-back runs keep spinning.
   */
  readonly interleaved?: boolean;
  /**
   * No memory arena: onnxruntime frees a run's activations when it ends instead of keeping them for
   * the next run, so two sessions run in turn do not hold their peaks together (two ResNet-50
   * sessions at 32 × 224 px: 1.43 → 0.84 GB), at the cost of allocating again each run.
   */
  readonly lean?: boolean;
}

/** Something that turns model bytes into sessions on one backend. */
export interface InferenceRuntime {
  readonly backend: Backend;
  /** Threads the backend uses (onnxruntime-web fixes this at its first session); 0 = the runtime's default. */
  readonly threads: number;
  createSession(model: Uint8Array, options?: SessionOptions): Promise<RuntimeSession>;
}

/**
 * How calibration fits a memory budget: the batch size and which tensors each pass over the data
 * exposes. One pass with every tensor is the fastest; when a batch of one sample with every tensor
 * exposed would not fit, tensors are split over several passes, in graph order.
 *
 * The estimate per pass, at batch b:
 *   fixed  = modelBytes · MODEL_COPIES               (our graph, its bytes, the runtime's copy, packed weights)
 *   b · 4 · (resident · exposed + live + 2 · input)
 * Both factors are measured, not derived: ResNet-50 at 224 px in onnxruntime-node peaked at 0.78 GB
 * resident with batch 1 and 1.6 GB with batch 4 (63 MB of exposed tensors per sample), i.e. about four
 * bytes resident per exposed byte (the runtime's buffers, its arena, our copies) and five model copies;
 * with min/max reduced in the runtime, 5.1 GB at batch 32 (2.3 bytes per observed byte).
 */

/** Copies of the weights alive while a calibration session runs. */
const MODEL_COPIES = 5;
/** Largest batch worth running: bigger batches only cost memory. */
const MAX_BATCH = 32;

export interface PassPlanInput {
  /** Tensors to observe, in graph order, with their float32 elements per sample. */
  readonly tensors: readonly { readonly name: string; readonly elements: number }[];
  /**
   * Resident bytes per byte of an observed tensor (default 4: copied out of the runtime in full).
   * Reduced to min/max inside the runtime it is still held there: onnxruntime keeps a tensor read by
   * an extra output node alive to the end of the run (measured 2.3 on ResNet-50).
   */
  readonly residentPerByte?: number;
  /** Elements per sample of the model input(s). */
  readonly inputElements: number;
  /** Peak live activation elements per sample while the model runs. */
  readonly liveElements: number;
  readonly modelBytes: number;
  /** Bytes the stage may use. */
  readonly budget: number;
}

export interface PassPlan {
  readonly batchSize: number;
  /** Tensor names exposed in each pass. */
  readonly passes: readonly (readonly string[])[];
  /** The estimated peak bytes of the largest pass. */
  readonly estimatedBytes: number;
}

/** Plans batch size and passes for {@link PassPlanInput.budget}; see the module comment. */
export function planPasses(input: PassPlanInput): PassPlan {
  const fixed = input.modelBytes * MODEL_COPIES;
  // Below the fixed cost nothing fits; still leave a quarter of the budget to the data.
  const room = Math.max(input.budget - fixed, input.budget / 4);
  const perSample = (exposed: number) =>
    4 * ((input.residentPerByte ?? 4) * exposed + input.liveElements + 2 * input.inputElements);
  const passes: string[][] = [];
  let current: string[] = [];
  let exposed = 0;
  let largest = 0;
  for (const t of input.tensors) {
    if (current.length > 0 && perSample(exposed + t.elements) > room) {
      passes.push(current);
      largest = Math.max(largest, exposed);
      current = [];
      exposed = 0;
    }
    current.push(t.name);
    exposed += t.elements;
  }
  passes.push(current);
  largest = Math.max(largest, exposed);
  const batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(room / perSample(largest))));
  return { batchSize, passes, estimatedBytes: fixed + batchSize * perSample(largest) };
}

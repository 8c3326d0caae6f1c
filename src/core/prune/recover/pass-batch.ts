/**
 * The batch recovery's passes run at. A segment's run holds, besides what recovery keeps, its own
 * working set: the activations alive while its nodes run, the tensors it exposes (held by onnxruntime
 * to the end of the run) and our copies of those. At the calibration batch (32) on ResNet-50 at 224 px
 * that was over 1 GB resident on top of the kept cuts and targets, the peak of the whole run; it grows
 * with the batch while the kept values do not, so the batch is cut to fit the working set's share.
 */
import { activationSizes, type Graph, type ShapeInference } from '../../graph';

/**
 * Resident bytes per byte of the model's peak live activations, per sample of a batch. Measured on
 * ResNet-50 at 224 px in onnxruntime-node: about 33 MB resident per sample of the original's passes
 * against 9.3 MB of live activations (its arena, its outputs, our copies of them).
 */
const RESIDENT_PER_LIVE_BYTE = 4;

/** Samples per pass so one batch's working set fits `share` bytes: 1 to `batchSize`. */
export function passBatchSize(graph: Graph, shapes: ShapeInference, share: number, batchSize: number): number {
  const perSample = 4 * RESIDENT_PER_LIVE_BYTE * activationSizes(graph, shapes).peakLive;
  if (!(perSample > 0)) return batchSize;
  return Math.max(1, Math.min(batchSize, Math.floor(share / perSample)));
}

/**
 * Evaluation: datasets and preprocessing, metrics, a runtime-agnostic inference interface (with an
 * onnxruntime adapter loaded on demand), latency benchmarking and the stage-result record.
 * Node-only adapters (disk files, pure-JS image decoding) live in `./node` and are imported from there.
 */
export { DatasetError, FeedShapeError, ModelLoadError, ModelRunError, PreprocessError } from './errors';
export { checkFeed, describeSamples } from './feed-check';
export { batchSlices } from './batch-slices';
export type {
  Backend,
  InferenceRuntime,
  RuntimeSession,
  SessionOptions,
  TensorArray,
  TensorData,
  TensorElementType,
  ValueMeta,
} from './types';

export {
  memoryFileSource,
  blobFileSource,
  type BlobLike,
  type FileEntry,
  type FileSource,
} from './data/file-source';
export { zipFileSource, type ZipFileSource } from './data/zip';
export { DEFAULT_DATA_LIMITS, DataLimitError, type DataLimits } from './data/limits';
export { IMAGE_EXTENSIONS, type ImageDecoder, type RawImage } from './data/image';
export type { Dataset, Sample } from './data/dataset';
export type {
  BoxTargets,
  DatasetTargets,
  GroundTruthBox,
  ImageBoxes,
  Mask,
  MaskTargets,
} from './data/targets';
export { openDataset, type OpenDatasetOptions } from './data/open-dataset';
export { idxDataset } from './data/idx-dataset';
export { parseIdx, type IdxArray } from './data/idx';
export { parseNpy, type NpyArray } from './data/npy';
export { npyDataset, npzDataset } from './data/npy-dataset';
export { imageFolderDataset } from './data/image-folder';
export { readLabelsFile, type LabelList } from './data/labels-file';
export {
  parsePreprocess,
  validatePreprocess,
  PREPROCESS_PRESETS,
  type PreprocessSpec,
} from './data/preprocess';
export { resolvePreprocess, type PreprocessPlan, type ResolvedPreprocess } from './data/resolve-preprocess';
export { batches, type BatchOptions, type DatasetBatch } from './data/batches';

export { TopKAccumulator, argmax, type AccuracyResult } from './metrics/classification';
export { SegmentationAccumulator, type SegmentationResult } from './metrics/segmentation';
export {
  FidelityAccumulator,
  fidelityOverOutputs,
  sqnrDb,
  type FidelityFigures,
  type FidelityResult,
  type OutputFidelity,
} from './metrics/fidelity';
export { TensorErrorAccumulator, type TensorErrorRow } from './metrics/tensor-error';

export {
  evaluateModel,
  measureTensorErrors,
  type BatchScorer,
  type EvaluateOptions,
  type EvaluationReport,
} from './evaluate';
export {
  compareLatency,
  measureLatency,
  percentile,
  type LatencyComparison,
  type LatencyOptions,
  type LatencyRatio,
  type LatencyStats,
} from './latency';
export { syntheticFeeds } from './synthetic-feeds';
export { exposeIntermediates } from './intermediates';
export { MemoryMeter, DEFAULT_MEMORY_BUDGET, bytesOf } from './memory';
export { modelInput, modelOutputs } from './model-input';
export type { StageResult, TaskScore } from './stage-result';
export { sampleCoverage, type PairedDrop, type SampleCoverage } from './metrics/coverage';
export { pairedDropInterval, wilsonInterval, Z95, type Interval } from './metrics/interval';
export {
  createOrtRuntime,
  createSession,
  availableBackends,
  type OrtRuntimeOptions,
} from './runtime/ort-runtime';

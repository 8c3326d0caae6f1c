/**
 * What "accuracy" means per task — classification, semantic segmentation, object detection, or the
 * fidelity of every output — with dataset pairing, output decoding and metrics behind one interface
 * used by eval, the pipeline, the INT8 fallback, the studio and the report.
 */
export { TaskError } from './errors';
export type { DetectionFormat, DetectionSettings, ResolvedTask, TaskKind } from './types';
export { DEFAULT_TASK, resolveTask, type TaskChoice, type TaskDecision } from './resolve';
export { createTaskScorer, type TaskScorer } from './scorer';
export { evaluateTask, type TaskReport } from './evaluate-task';
export { openTaskDataset } from './data/open-task-dataset';
export { decodeMaskPng } from './segmentation/mask-file';
export { alignMask, resizeScores } from './segmentation/align';
export { SegmentationScorer } from './segmentation/scorer';
export { iou, nonMaxSuppression, type Detection } from './detection/boxes';
export { decodeDetections } from './detection/decode';
export { CocoMapAccumulator, type DetectionResult } from './detection/coco-map';
export { DetectionScorer } from './detection/scorer';
export { priorsFromNpy } from './priors';
export { predictPictures, type PictureOptions } from './pictures/predict-pictures';
export { classColor, maskOverlay } from './pictures/overlay';
export {
  NO_CLASS,
  type PictureImage,
  type PicturePrediction,
  type SamplePicture,
  type TaskPictures,
} from './pictures/types';

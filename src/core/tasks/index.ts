/**
 * What "accuracy" means per task — classification, semantic segmentation, object detection, or the
 * fidelity of every output — with dataset pairing, output decoding and metrics behind one interface
 * used by eval, the pipeline, the INT8 fallback, the studio and the report.
 */
export { TaskError } from './errors';
export type { DetectionFormat, DetectionSettings, ResolvedTask, TaskKind } from './types';
export { DEFAULT_TASK, resolveTask, type TaskChoice, type TaskDecision } from './resolve';

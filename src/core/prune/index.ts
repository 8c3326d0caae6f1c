/**
 * Filter pruning on the channel groups of `core/analysis`: importance criteria, plans (uniform,
 * global, MAC-target, sensitivity-guided), masking, physical channel removal, and recovery without
 * retraining (compensation, least-squares reconstruction, BatchNorm re-estimation), each a separate
 * step over an injected inference runtime and calibration batches, so they run in Node and in a worker.
 */
export type * from './types';
export { weightScores } from './criteria/magnitude';
export { activationScores } from './criteria/activation';
export { reconstructionScores } from './criteria/reconstruction';
export { normalizeScores } from './criteria/normalize';
export { planPruning, planFromSelection } from './plan/plan';
export { sensitivityRatio } from './plan/sensitivity-ratio';
export { CostEstimator } from './plan/estimate';
export { applyMask, type MaskReport } from './apply/mask';
export { removeChannels, type RemovalReport } from './apply/remove';
export { cloneGraph } from './clone';
export { checkPrunedModel, PruneCheckError, type PruneCheck } from './verify';
export { seededRandom } from './recover/random';
export {
  calibrationFromDataset,
  calibrationFromFeeds,
  capture,
  type CalibrationBatches,
  type CalibrationOptions,
  type CapturedBatch,
} from './recover/calibration';
export { compensate, type CompensationReport } from './recover/compensate';
export {
  reconstruct,
  type LayerFit,
  type ReconstructOptions,
  type ReconstructionReport,
} from './recover/lsq';
export { reestimateBatchNorm, type BatchNormReport } from './recover/batchnorm';
export { analyzeSensitivity, accuracyMetric, agreementMetric, type GraphMetric } from './sensitivity';
export {
  pruneModel,
  scoreChannels,
  type PruneModelOptions,
  type PlanContext,
  type RecoveryOptions,
  type StepReport,
} from './schedule';

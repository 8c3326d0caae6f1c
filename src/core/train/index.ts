/**
 * Fine-tuning: reverse-mode gradients over the graph IR (forward with saved activations, backward
 * to the float initializers), losses for distillation, optimizers, schedules and the training loop.
 */
export { TrainError } from './errors';
export type { Floats, Precision, Value } from './tensor';
export { TrainableModel, type FrozenReport, type Tape, type TrainableOptions } from './engine';
export { backendCompute, float64Compute, type Compute } from './compute';
export { trainableOpTypes } from './ops/registry';
export { distillationLoss, sigmoidDistillationLoss, type LossResult, type LossWeights } from './loss';
export {
  Optimizer,
  DEFAULT_OPTIMIZER,
  cosineWithWarmup,
  type OptimizerName,
  type OptimizerOptions,
} from './optimizer';
export { augmentBatch, type AugmentOptions } from './augment';
export { loadTrainingData, splitHeldOut, type LoadOptions, type TrainingData } from './data';
export {
  distill,
  type DistillOptions,
  type DistillTarget,
  type DistillResult,
  type EpochRecord,
  type TrainProgress,
} from './distill';
export type { TrainCheckpoint } from './checkpoint';
export type { OptimizerState } from './optimizer';
export {
  QAT_DOMAIN,
  MIN_SCALE,
  effectiveScale,
  quantizeLevel,
  roundHalfEven,
} from './ops/fake-quant';

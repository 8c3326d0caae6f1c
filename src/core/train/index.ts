/**
 * Fine-tuning: reverse-mode gradients over the graph IR (forward with saved activations, backward
 * to the float initializers), losses for distillation, optimizers, schedules and the training loop.
 */
export { TrainError } from './errors';
export type { Floats, Precision, Value } from './tensor';
export { TrainableModel, type FrozenReport, type Tape, type TrainableOptions } from './engine';
export { backendCompute, float64Compute, type Compute } from './compute';
export { trainableOpTypes } from './ops/registry';

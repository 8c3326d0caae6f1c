/**
 * A distillation run's whole state between two steps: with it a run continues exactly where it
 * stopped (after a pause, a reload or a crash) and ends with the bytes an uninterrupted run makes.
 */
import type { EpochRecord } from './distill';
import type { OptimizerState } from './optimizer';
import type { Floats } from './tensor';

export interface TrainCheckpoint {
  /** The epoch in progress (1-based) and the steps of it already taken. */
  epoch: number;
  step: number;
  epochs: number;
  stepsPerEpoch: number;
  /** The student's trainable parameters by initializer name. */
  params: Record<string, Floats>;
  optimizer: OptimizerState;
  /** State of the generator behind sample order and augmentation. */
  random: number;
  /** This epoch's sample order (positions in the training split); empty at an epoch's start. */
  order: Int32Array;
  /** Sum of this epoch's step losses so far. */
  lossSum: number;
  history: EpochRecord[];
  /** The best epoch so far on the held-out split, and its weights (the ones kept at the end). */
  best: { metric: number; epoch: number; params: Record<string, Floats> };
  /** Epochs since the held-out score last improved. */
  stale: number;
  elapsedMs: number;
}

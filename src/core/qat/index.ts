/**
 * Quantization-aware fine-tuning: fake quantization with straight-through (LSQ) gradients on the
 * INT8 plan `core/quant` makes, step sizes learned, and a QDQ export that computes what was trained.
 */
export { buildQatGraph, type QatGraph, type QatLayout } from './build';
export { exportQat, learnedParams, type QatExport } from './export';
export { quantizationAwareFinetune, type QatOptions, type QatResult } from './qat';

/**
 * INT8 post-training quantization in the QDQ format, laid out so onnxruntime fuses it into integer
 * kernels: preparation (opset upgrade, BatchNorm folding), planning, streamed calibration through an
 * injected runtime, QDQ insertion, a fusability check, and accuracy-aware fallback to float.
 */
export type {
  ActivationQuant,
  ActivationType,
  BiasQuant,
  CalibrationMethod,
  FloatBias,
  FusionReport,
  FusionUnit,
  LearnedParams,
  NodeRole,
  PlanOptions,
  QuantPlan,
  QuantScheme,
  Ranges,
  WeightQuant,
} from './types';
export { DEFAULT_SCHEME } from './types';
export { QuantError } from './errors';
export {
  prepareForQuantization,
  prepareWithReport,
  type PrepareOptions,
  type PrepareReport,
} from './prepare/prepare';
export { upgradeOpset, TARGET_OPSET } from './prepare/upgrade-opset';
export { foldBatchNorms } from './prepare/fold-batchnorm';
export { detachOutput } from './prepare/graph-util';
export { planQuantization, calibrationTensors } from './plan/plan';
export { DEFAULT_OP_TYPES } from './plan/op-classes';
export { DECODING_REASON, decodingInputs, findDecodingTail } from './plan/decoding-tail';
export {
  createObserver,
  MinMaxObserver,
  MovingAverageObserver,
  HistogramObserver,
  type ObserverOptions,
  type RangeObserver,
  type Range,
} from './calib/observers';
export { GrowingHistogram } from './calib/histogram';
export {
  calibrate,
  calibrateWithReport,
  type CalibrateOptions,
  type CalibrationReport,
  type Feeds,
  type FeedSource,
} from './calib/calibrate';
export { planPasses, type PassPlan, type PassPlanInput } from './calib/passes';
export { activationParams, planActivationParams, type QParams } from './apply/qparams';
export {
  quantizeWeight,
  quantizeBias,
  describeFloatBias,
  INT32_LIMIT,
  type QuantizedWeight,
} from './apply/weights';
export { applyQuantization, weightKey, type ApplyOptions, type AppliedQuantization } from './apply/apply';
export { checkFusability, type FusabilityOptions } from './check/fusability';
export { quantizeModel, type QuantizeOptions, type QuantizeResult } from './quantize-model';
export { datasetFeeds, type FeedOptions } from './calib/feeds';
export { rankDamage, type NodeDamage } from './accuracy/damage';
export {
  fallBackUntilWithinBudget,
  type AccuracyBudget,
  type FallbackResult,
  type FallbackStep,
} from './accuracy/fallback';

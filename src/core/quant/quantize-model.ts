/** One call from a float model to its QDQ INT8 model: prepare → plan → calibrate → apply → check. */
import type { KernelBackend } from '../../kernels';
import type { InferenceRuntime } from '../eval';
import { exportModel, importModel, inferShapes, type Graph } from '../graph';
import { decodeModel, encodeModel } from '../onnx';
import { applyQuantization } from './apply/apply';
import { calibrateWithReport, type CalibrateOptions, type CalibrationReport, type FeedSource } from './calib/calibrate';
import { checkFusability, type FusabilityOptions } from './check/fusability';
import { planQuantization } from './plan/plan';
import { prepareWithReport, type PrepareReport } from './prepare/prepare';
import type { FloatBias, FusionReport, PlanOptions, QuantPlan, Ranges } from './types';

export interface QuantizeOptions extends PlanOptions, Omit<CalibrateOptions, 'kernels'>, FusabilityOptions {
  readonly runtime: InferenceRuntime;
  /** Calibration batches (unlabelled model inputs); a function when several passes may read them. */
  readonly calibration: FeedSource;
  readonly kernels?: KernelBackend;
}

export interface QuantizeResult {
  /** The prepared float graph (BN folded, opset 13): the reference the INT8 model should match. */
  readonly float: Graph;
  readonly floatBytes: Uint8Array;
  readonly quantized: Graph;
  readonly bytes: Uint8Array;
  readonly plan: QuantPlan;
  readonly ranges: Ranges;
  readonly fusion: FusionReport;
  /** Biases kept in float because their int32 would overflow (their nodes do not fuse). */
  readonly floatBiases: readonly FloatBias[];
  readonly prepare: PrepareReport;
  /** Samples, batch size, passes and the memory calibration held. */
  readonly calibration: Omit<CalibrationReport, 'ranges'>;
}

/** Quantizes a model (bytes or graph) to QDQ INT8 with the default or given scheme. */
export async function quantizeModel(
  model: Uint8Array | Graph,
  options: QuantizeOptions,
): Promise<QuantizeResult> {
  const source = model instanceof Uint8Array ? importModel(decodeModel(model)) : model;
  const { graph: float, report: prepare } = prepareWithReport(source);
  const floatBytes = encodeModel(exportModel(float));
  const plan = planQuantization(float, inferShapes(float), options);
  const { ranges, ...calibration } = await calibrateWithReport(
    floatBytes,
    plan,
    options.calibration,
    options.runtime,
    options,
  );
  const { graph: quantized, floatBiases } = await applyQuantization(float, plan, ranges, {
    kernels: options.kernels,
  });
  const bytes = encodeModel(exportModel(quantized));
  return {
    float,
    floatBytes,
    quantized,
    bytes,
    plan,
    ranges,
    fusion: checkFusability(quantized, options),
    floatBiases,
    prepare,
    calibration,
  };
}

/**
 * Quantization-aware fine-tuning in one call: the quantizer prepares, plans and calibrates the float
 * student exactly as post-training INT8 would; the fake-quant graph of that plan is distilled from
 * the teacher with the step sizes learned (LSQ); the trained graph is exported as the QDQ model.
 */
import type { KernelBackend } from '../../kernels';
import type { Graph } from '../graph';
import { checkFusability, quantizeModel, type QuantizeOptions, type QuantizeResult } from '../quant';
import {
  backendCompute,
  distill,
  type DistillOptions,
  type DistillResult,
  type OptimizerName,
} from '../train';
import { buildQatGraph, type QatGraph, type QatLayout } from './build';
import { tensorData } from '../onnx';
import { exportQat } from './export';
import type { LearnedParams } from '../quant';

export interface QatOptions {
  kernels: KernelBackend;
  /** How the quantizer plans and calibrates (scheme, exclusions, runtime, calibration batches). */
  quantize: Omit<QuantizeOptions, 'kernels'>;
  /** The distillation run (teacher, data, schedule, checkpoints). */
  train: Omit<DistillOptions, 'student' | 'compute'>;
}

export interface QatResult {
  /** The QDQ model as `quantizeModel` describes one: prepared float (trained weights), plan, bytes. */
  quantized: QuantizeResult;
  /** The same student quantized after training, before QAT (post-training INT8), for comparison. */
  ptq: QuantizeResult;
  /** The trained fake-quant graph (what the engine ran) and where its step sizes are. */
  trained: DistillResult;
  layout: QatLayout;
  learned: LearnedParams;
}

/** Fine-tunes `student` with fake quantization on its INT8 plan and exports the QDQ model. */
export async function quantizationAwareFinetune(student: Graph, options: QatOptions): Promise<QatResult> {
  const { kernels } = options;
  const ptq = await quantizeModel(student, { ...options.quantize, kernels });
  const { plan, ranges } = ptq;
  const qat = await buildQatGraph(ptq.float, plan, ranges, kernels, {
    [options.train.data.inputName]: [1, ...options.train.data.sampleDims],
  });
  const trained = await distill({
    ...options.train,
    lrScale: stepSizeRates(qat, options.train.optimizer.name),
    student: qat.graph,
    compute: backendCompute(kernels),
  });
  const out = await exportQat(ptq.float, trained.graph, qat.layout, plan, ranges, kernels);
  return {
    quantized: {
      ...ptq,
      float: out.float,
      quantized: out.quantized,
      bytes: out.bytes,
      fusion: checkFusability(out.quantized, options.quantize),
      floatBiases: out.floatBiases,
    },
    ptq,
    trained,
    layout: qat.layout,
    learned: out.learned,
  };
}

/**
 * AdamW moves every parameter by about the learning rate whatever its gradient, so LSQ's gradient
 * scaling does nothing there: a step size of 0.005 would move by 2 % a step at lr 1e-4. Its rate is
 * scaled by its initial size instead (a relative step). SGD keeps LSQ's own scaling (factor 1).
 */
function stepSizeRates(qat: QatGraph, optimizer: OptimizerName): Record<string, number> {
  if (optimizer !== 'adamw') return {};
  const names = [
    ...Object.values(qat.layout.activations).map((a) => a.scale),
    ...Object.values(qat.layout.weights),
  ];
  return Object.fromEntries(
    names.map((name) => {
      const s = tensorData(qat.graph.initializers.get(name)!) as Float32Array;
      return [name, s.reduce((a, v) => a + Math.abs(v), 0) / Math.max(1, s.length)];
    }),
  );
}

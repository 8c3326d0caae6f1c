/**
 * From a trained fake-quant graph back to an ordinary QDQ model: the trained float weights go into
 * the prepared float graph, and `applyQuantization` writes them with the learned step sizes — the
 * int8 weights are the fake-quantized ones (same float32 division, ties to even, [−127, 127]), the
 * biases the same int32, the activations' Q/DQ the learned scales and fixed zero points. What
 * onnxruntime computes from the result is what the engine's fake-quant forward computed.
 */
import type { KernelBackend } from '../../kernels';
import { exportModel, type Graph } from '../graph';
import { DataType, encodeModel, makeTensor, tensorData } from '../onnx';
import { cloneGraph } from '../prune';
import { applyQuantization, type FloatBias, type LearnedParams, type QuantPlan, type Ranges } from '../quant';

import { TrainError, effectiveScale } from '../train';
import type { QatLayout } from './build';

export interface QatExport {
  /** The prepared float graph with the trained weights (what the INT8 model quantizes). */
  float: Graph;
  quantized: Graph;
  bytes: Uint8Array;
  learned: LearnedParams;
  floatBiases: readonly FloatBias[];
}

/** The step sizes of a trained QAT graph, as the forward used them. */
export function learnedParams(trained: Graph, layout: QatLayout): LearnedParams {
  const read = (name: string): Float32Array => {
    const t = trained.initializers.get(name);
    if (!t || t.dataType !== DataType.FLOAT)
      throw new TrainError(`The QAT model has no step size '${name}'.`);
    return Float32Array.from(tensorData(t) as Float32Array, (s) => effectiveScale(s));
  };
  return {
    activations: Object.fromEntries(
      Object.entries(layout.activations).map(([tensor, a]) => [
        tensor,
        { scale: read(a.scale)[0], zeroPoint: a.zeroPoint },
      ]),
    ),
    weights: Object.fromEntries(Object.entries(layout.weights).map(([key, name]) => [key, read(name)])),
  };
}

/** The QDQ model of a trained QAT graph built from `float` under `plan`. */
export async function exportQat(
  float: Graph,
  trained: Graph,
  layout: QatLayout,
  plan: QuantPlan,
  ranges: Ranges,
  kernels: KernelBackend,
): Promise<QatExport> {
  const weights = cloneGraph(float);
  for (const [name, t] of weights.initializers) {
    const from = trained.initializers.get(name);
    if (t.dataType !== DataType.FLOAT || !from) continue;
    weights.replaceInitializer(
      name,
      makeTensor(
        name,
        DataType.FLOAT,
        t.dims.map(Number),
        Float32Array.from(tensorData(from) as Float32Array),
      ),
    );
  }
  const learned = learnedParams(trained, layout);
  const { graph, floatBiases } = await applyQuantization(weights, plan, ranges, { kernels, learned });
  return { float: weights, quantized: graph, bytes: encodeModel(exportModel(graph)), learned, floatBiases };
}

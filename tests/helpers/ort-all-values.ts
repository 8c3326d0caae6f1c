/**
 * Runs a model in onnxruntime-node with every node output made a graph output, so tests can read
 * each intermediate tensor (shapes, types and values), not just the model's outputs.
 */
import * as ort from 'onnxruntime-node';
import { emptyValueInfo, encodeModel, type Model } from '../../src/core/onnx';

/** `model` with every node output (beyond its declared outputs) appended as a graph output. */
export function withAllOutputs(model: Model): Model {
  const g = model.graph!;
  const outputs = new Set(g.output.map((o) => o.name));
  const extra = [];
  for (const n of g.node)
    for (const v of n.output)
      if (v !== '' && !outputs.has(v)) {
        outputs.add(v);
        extra.push(emptyValueInfo({ name: v }));
      }
  return { ...model, graph: { ...g, output: [...g.output, ...extra] } };
}

/**
 * Every node output of `model` after one run on `feeds`. Graph optimizations are off so that each
 * value is computed by the node that names it (fusions would merge or drop intermediates).
 */
export async function runAllValues(
  model: Model,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(encodeModel(withAllOutputs(model)), {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/**
 * Runs a model in onnxruntime-node with every node output made a graph output, to read the shape
 * and element type each value really has.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type Model } from '../../src/core/onnx';
import { withAllOutputs } from '../helpers/ort-all-values';

export interface Observed {
  dims: number[];
  /** onnxruntime's element type name: 'float32', 'int64', 'bool', … */
  type: string;
}

/** Every node output of `model` (beyond its outputs) as a graph output, and the values of a run. */
export async function observeAllValues(
  model: Model,
  feeds: Record<string, ort.Tensor>,
): Promise<Map<string, Observed>> {
  const session = await ort.InferenceSession.create(encodeModel(withAllOutputs(model)), {
    graphOptimizationLevel: 'disabled',
  });
  try {
    const result = await session.run(feeds);
    const out = new Map<string, Observed>();
    for (const [name, t] of Object.entries(result)) out.set(name, { dims: [...t.dims], type: t.type });
    return out;
  } finally {
    await session.release();
  }
}

/** A float32 input of `dims` filled with a smooth deterministic pattern. */
export function floatInput(dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37) * 0.5;
  return new ort.Tensor('float32', data, dims);
}

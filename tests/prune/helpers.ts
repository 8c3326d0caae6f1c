/** Shared helpers for the pruning tests: loading models, running them, comparing outputs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOrtRuntime, type InferenceRuntime, type TensorData } from '../../src/core/eval';
import { exportModel, importModel, type Graph } from '../../src/core/graph';
import { decodeModel, encodeModel } from '../../src/core/onnx';
import { seededRandom } from '../helpers/model-builder';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const PADDLE = join(import.meta.dirname, '..', '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');

export function loadGraph(path: string): Graph {
  return importModel(decodeModel(new Uint8Array(readFileSync(path))));
}

export function graphFromBytes(bytes: Uint8Array): Graph {
  return importModel(decodeModel(bytes));
}

let runtime: Promise<InferenceRuntime> | undefined;
export function nativeRuntime(): Promise<InferenceRuntime> {
  return (runtime ??= createOrtRuntime({ backend: 'native', threads: 1 }));
}

export function randomFeed(name: string, dims: number[], seed: number): Record<string, TensorData> {
  const r = seededRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = r() * 2 - 1;
  return { [name]: { type: 'float32', data, dims } };
}

/** Runs `graph` (exported) on `feeds` in onnxruntime-node; returns its first output. */
export async function runGraph(graph: Graph, feeds: Record<string, TensorData>): Promise<Float32Array> {
  const session = await (await nativeRuntime()).createSession(encodeModel(exportModel(graph)));
  try {
    const out = await session.run(feeds);
    return out[session.outputs[0].name].data as Float32Array;
  } finally {
    await session.release();
  }
}

/** max |a − b| / max |a| (0 when both are zero). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

import { beforeAll, describe, expect, it } from 'vitest';
import { DataType, decodeModel, encodeModel, makeTensor, tensorData } from '../../src/core/onnx';
import {
  createOrtRuntime,
  evaluateModel,
  exposeIntermediates,
  measureTensorErrors,
  type Dataset,
  type InferenceRuntime,
} from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { FIXTURES, FMNIST_SPEC, fixture } from './helpers';
import { join } from 'node:path';

const DELTA = 0.5;
const PERTURBED_CLASS = 3;
const LIMIT = 256;

/** resnet8 with `delta` added to one element of the final Gemm's bias: logits[class] shift by exactly delta. */
function perturbGemmBias(bytes: Uint8Array, cls: number, delta: number): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('no graph');
  const gemm = graph.node.find((n) => n.opType === 'Gemm');
  const index = graph.initializer.findIndex((t) => t.name === gemm?.input[2]);
  const bias = graph.initializer[index];
  const values = Float32Array.from(tensorData(bias) as Float32Array);
  values[cls] += delta;
  graph.initializer[index] = makeTensor(bias.name, DataType.FLOAT, bias.dims.map(Number), values);
  return encodeModel(model);
}

describe('fidelity against a reference model', () => {
  let runtime: InferenceRuntime;
  let calib: Dataset;
  beforeAll(async () => {
    runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    calib = await openDatasetPath(join(FIXTURES, 'fmnist-calib'));
  });

  it('is perfect for a model against itself', async () => {
    const a = await runtime.createSession(fixture('fmnist-resnet8.onnx'));
    const b = await runtime.createSession(fixture('fmnist-resnet8.onnx'));
    const { fidelity } = await evaluateModel(b, calib, {
      reference: a,
      preprocess: FMNIST_SPEC,
      limit: LIMIT,
      batchSize: 128,
    });
    const perfect = {
      top1Agreement: 1,
      meanCosine: expect.closeTo(1, 12),
      sqnrDb: Infinity,
      maxAbsError: 0,
      count: LIMIT,
    };
    expect(fidelity).toEqual({ ...perfect, outputs: [{ output: 'logits', ...perfect }] });
  });

  it('is close to perfect for the BatchNorm variant of the same network', async () => {
    const a = await runtime.createSession(fixture('fmnist-resnet8.onnx'));
    const b = await runtime.createSession(fixture('fmnist-resnet8-bn.onnx'));
    const { fidelity } = await evaluateModel(b, calib, {
      reference: a,
      preprocess: FMNIST_SPEC,
      limit: LIMIT,
      batchSize: 128,
    });
    expect(fidelity?.top1Agreement).toBe(1);
    expect(fidelity?.maxAbsError).toBeLessThan(1e-3);
    expect(fidelity?.sqnrDb).toBeGreaterThan(80);
  });

  it('measures one perturbed Gemm bias by exactly its delta', async () => {
    const original = fixture('fmnist-resnet8.onnx');
    const ref = await runtime.createSession(original);
    const perturbed = await runtime.createSession(perturbGemmBias(original, PERTURBED_CLASS, DELTA));
    const { fidelity, accuracy } = await evaluateModel(perturbed, calib, {
      reference: ref,
      preprocess: FMNIST_SPEC,
      limit: LIMIT,
      batchSize: 128,
    });
    expect(accuracy?.count).toBe(LIMIT);
    expect(fidelity?.maxAbsError).toBeCloseTo(DELTA, 4);

    // Expected SQNR from the reference logits: the noise is delta² on one logit per row.
    const { input, dims } = await firstBatch(calib);
    const logits = (await ref.run({ input: { type: 'float32', data: input, dims } })).logits
      .data as Float32Array;
    let signal = 0;
    for (const v of logits) signal += v * v;
    const expected = 10 * Math.log10(signal / (LIMIT * DELTA * DELTA));
    expect(fidelity?.sqnrDb).toBeCloseTo(expected, 2);
    expect(fidelity?.meanCosine).toBeLessThan(1);
    expect(fidelity?.meanCosine).toBeGreaterThan(0.99);
    expect(fidelity?.top1Agreement).toBeLessThanOrEqual(1);
  });

  it('reports per-tensor SQNR with intermediates exposed, localising the perturbation to the logits', async () => {
    const original = fixture('fmnist-resnet8.onnx');
    const exposedRef = exposeIntermediates(original);
    const exposedTest = exposeIntermediates(perturbGemmBias(original, PERTURBED_CLASS, DELTA));
    const ref = await runtime.createSession(exposedRef);
    const test = await runtime.createSession(exposedTest);
    // One output per node output: fmnist-resnet8 has 22 nodes, each with one output.
    expect(ref.outputs.length).toBe(22);
    const rows = await measureTensorErrors(ref, test, calib, {
      preprocess: FMNIST_SPEC,
      limit: 64,
      batchSize: 64,
    });
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get('logits')?.maxAbsError).toBeCloseTo(DELTA, 4);
    const inner = rows.filter((r) => r.name !== 'logits');
    expect(inner.length).toBe(21);
    for (const r of inner) {
      expect(r.sqnrDb, r.name).toBe(Infinity);
      expect(r.maxAbsError, r.name).toBe(0);
    }
  });
});

async function firstBatch(dataset: Dataset) {
  const { batches, resolvePreprocess } = await import('../../src/core/eval');
  const { preprocess } = resolvePreprocess(
    FMNIST_SPEC,
    { name: 'input', type: 'float32', shape: ['batch', 1, 28, 28] },
    dataset,
  );
  const it = batches(dataset, preprocess, { batchSize: LIMIT, limit: LIMIT });
  const b = (await it.next()).value;
  if (!b) throw new Error('empty');
  return { input: b.input, dims: [...b.dims] };
}

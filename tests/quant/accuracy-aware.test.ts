/**
 * Accuracy-aware fallback on a real model where INT8 hurts: fmnist-mobilenetv2 calibrated with
 * entropy on ten images (a user with little data) loses most in two early convolutions. The metric
 * is agreement with the float model (mean cosine of the logits): nodes are chosen on validation
 * images (calibration images 500…999, never the calibration ones), and the gain is checked again on
 * test images that took no part in any choice.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { datasetFeeds, fallBackUntilWithinBudget, quantizeModel, rankDamage } from '../../src/core/quant';
import { FidelityAccumulator, type TensorData } from '../../src/core/eval';
import { decodeModel, DataType } from '../../src/core/onnx';
import { calibFeeds, calibSet, fixture, FMNIST_INPUT, FMNIST_SPEC, nativeRuntime, testSet } from './helpers';

type Batch = Record<string, TensorData>;

async function batches(set: 'validation' | 'test'): Promise<Batch[]> {
  const out: Batch[] = [];
  const dataset = set === 'validation' ? calibSet() : testSet();
  for await (const f of datasetFeeds(dataset, FMNIST_INPUT, {
    preprocess: FMNIST_SPEC,
    limit: 1000,
    batchSize: 250,
  }))
    out.push(f as Batch);
  return set === 'validation' ? out.slice(2) : out; // calibration images 500…999
}

describe('accuracy-aware fallback', () => {
  it('returns the most damaged nodes to float and so recovers agreement with the float model', async () => {
    const runtime = await nativeRuntime();
    const r = await quantizeModel(fixture('fmnist-mobilenetv2.onnx'), {
      runtime,
      calibration: calibFeeds(10),
      method: 'entropy',
    });
    const ranking = await rankDamage(r.float, r.quantized, r.plan, calibFeeds(200), runtime);
    const quantizedNodes = Object.entries(r.plan.nodes).filter(([, role]) => role === 'quantized').length;
    expect(ranking.length).toBe(quantizedNodes - 1); // all but the Gemm, whose logits stay float
    expect(ranking.every((d) => Number.isFinite(d.sqnrDb))).toBe(true);
    for (let i = 1; i < ranking.length; i++)
      expect(ranking[i - 1].damage).toBeGreaterThanOrEqual(ranking[i].damage);

    const [validation, test] = [await batches('validation'), await batches('test')];
    const reference = await runtime.createSession(r.floatBytes);
    const floatLogits = new Map<Batch, Float32Array>();
    for (const b of [...validation, ...test])
      floatLogits.set(b, (await reference.run(b)).logits.data as Float32Array);
    const agreement = (set: Batch[]) => async (bytes: Uint8Array) => {
      const session = await runtime.createSession(bytes);
      const acc = new FidelityAccumulator();
      for (const b of set)
        acc.add(floatLogits.get(b)!, (await session.run(b)).logits.data as Float32Array, 10);
      await session.release();
      return acc.result().meanCosine;
    };

    const result = await fallBackUntilWithinBudget(r.float, {}, r.ranges, ranking, agreement(validation), {
      maxDrop: 0.002,
      maxFallbacks: 6,
    });
    console.log(
      `fallback on agreement: ${result.steps.map((s) => `${s.excluded.length} float: ${s.metric.toFixed(5)}`).join(', ')}`,
    );
    // Measured: 0.99134 fully quantized, 0.99162 with one node float, 0.99852 with two.
    expect(result.floatMetric).toBeCloseTo(1, 6);
    expect(result.steps[0].excluded).toEqual([]);
    result.steps.forEach((s, k) => expect(s.excluded).toEqual(ranking.slice(0, k).map((d) => d.node)));
    expect(result.withinBudget).toBe(true);
    expect(result.plan.excluded.length).toBeGreaterThanOrEqual(1);
    const before = result.steps[0].metric;
    expect(before).toBeLessThan(1 - 0.002); // INT8 does hurt: outside the budget
    expect(result.metric).toBeGreaterThan(before + 0.005);
    // On test images no choice was made on, the fallen-back model agrees better too.
    const onTest = agreement(test);
    expect(await onTest(result.bytes)).toBeGreaterThan((await onTest(r.bytes)) + 0.005);

    // The exported model holds the fallen-back nodes in float (weights and bias float initializers,
    // no Q/DQ of their own) and loads and runs in onnxruntime as measured.
    const exported = decodeModel(result.bytes).graph!;
    const floatInit = new Set(
      exported.initializer.filter((t) => t.dataType === DataType.FLOAT).map((t) => t.name),
    );
    for (const name of result.plan.excluded) {
      const node = exported.node.find((n) => n.name === name)!;
      expect(node.opType).toBe('Conv');
      for (const v of node.input.slice(1)) expect(floatInit.has(v), `${name} reads ${v}`).toBe(true);
      expect(result.plan.nodes[name]).toBeUndefined();
    }
    const session = await ort.InferenceSession.create(result.bytes);
    const acc = new FidelityAccumulator();
    for (const b of validation) {
      const x = b.input;
      const out = await session.run({
        input: new ort.Tensor('float32', x.data as Float32Array, x.dims as number[]),
      });
      acc.add(floatLogits.get(b)!, out.logits.data as Float32Array, 10);
    }
    expect(acc.result().meanCosine).toBeCloseTo(result.metric, 6);
  });
});

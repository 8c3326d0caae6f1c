/**
 * The per-node profile on a real model through onnxruntime-node: every quantizable node of
 * fmnist-resnet8 is timed float and INT8, the INT8 unit is the fused integer kernel onnxruntime runs
 * (QLinearConv), and a second profile of the same shapes times nothing (the cache answers).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { importModel, inferShapes } from '../../src/core/graph';
import { decodeModel, encodeModel } from '../../src/core/onnx';
import { planQuantization, prepareForQuantization } from '../../src/core/quant';
import {
  int8UnitModel,
  ProfileCache,
  profileNodes,
  quantizableUnits,
  runtimeTimer,
  unitModel,
  type LatencyTimer,
} from '../../src/core/profile';
import { importModel as imp } from '../../src/core/graph';

const model = () =>
  prepareForQuantization(importModel(decodeModel(readFileSync('tests/fixtures/fmnist-resnet8.onnx'))));

/** Counts the models a timer is asked to time. */
function counting(inner: LatencyTimer): LatencyTimer & { models: number } {
  const t = {
    key: inner.key,
    models: 0,
    time: async (models: readonly Uint8Array[]) => {
      t.models += models.length;
      return inner.time(models);
    },
  };
  return t;
}

describe('profileNodes', () => {
  it('times every quantizable node float and INT8 in onnxruntime-node, and caches by shape', async () => {
    const graph = model();
    const runtime = await createOrtRuntime({ backend: 'native', threads: 1 });
    const timer = counting(runtimeTimer(runtime, { runs: 3, warmup: 1 }));
    const cache = new ProfileCache();
    const profile = await profileNodes(graph, { timer, cache });
    const plan = planQuantization(graph, inferShapes(graph));
    const units = quantizableUnits(graph, plan);
    expect(profile.nodes.map((n) => n.node)).toEqual(units.map((u) => u.node.name));
    expect(profile.nodes.length).toBeGreaterThanOrEqual(10);
    for (const n of profile.nodes) {
      expect(n.floatMs).toBeGreaterThan(0);
      expect(n.int8Ms).toBeGreaterThan(0);
      expect(n.quantizeInMs).toBeGreaterThan(0);
      expect(n.dequantizeOutMs).toBeGreaterThan(0);
      expect(n.cached).toBe(false);
    }
    // Conv+Relu units carry the Relu they absorb.
    expect(profile.nodes.some((n) => n.opType === 'Conv' && n.absorbed)).toBe(true);
    expect(timer.models).toBe(profile.timedModels);
    expect(cache.size).toBe(profile.timedModels);

    const again = await profileNodes(graph, { timer, cache });
    expect(again.timedModels).toBe(0);
    expect(again.nodes.every((n) => n.cached)).toBe(true);
    expect(again.nodes.map((n) => n.floatMs)).toEqual(profile.nodes.map((n) => n.floatMs));
    expect(timer.models).toBe(profile.timedModels);
    // Another runtime key never reads these timings.
    const other = counting({ key: 'other/1', time: async (m) => m.map(() => 1) });
    await profileNodes(graph, { timer: other, cache });
    expect(other.models).toBe(profile.timedModels);
  }, 120_000);

  it("an INT8 unit is the quantizer's QDQ with uint8 in and out, and onnxruntime runs it like the float one", async () => {
    const graph = model();
    const shapes = inferShapes(graph);
    const plan = planQuantization(graph, shapes);
    const unit = quantizableUnits(graph, plan).find((u) => u.node.opType === 'Conv' && u.absorbed)!;
    const float = unitModel(graph, shapes, unit)!;
    const int8 = (await int8UnitModel(imp(float)))!;
    const ops = int8.graph!.node.map((n) => n.opType);
    expect(ops).toEqual(expect.arrayContaining(['DequantizeLinear', 'Conv', 'QuantizeLinear']));
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(1);
    const runtime = await createOrtRuntime({ backend: 'native', threads: 1 });
    const fs = await runtime.createSession(encodeModel(float));
    const qs = await runtime.createSession(encodeModel(int8));
    expect(qs.inputs[0].type).toBe('uint8');
    expect(qs.outputs[0].type).toBe('uint8');
    expect(qs.outputs[0].shape).toEqual(fs.outputs[0].shape);
    const x = qs.inputs[0];
    const dims = x.shape.map((d) => (typeof d === 'number' ? d : 1));
    const out = await qs.run({
      [x.name]: { type: 'uint8', data: new Uint8Array(dims.reduce((a, b) => a * b, 1)).fill(130), dims },
    });
    expect(Object.values(out)[0].dims).toEqual(fs.outputs[0].shape);
    await fs.release();
    await qs.release();
  }, 60_000);
});

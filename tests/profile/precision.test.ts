/**
 * Precision per node from an injected timer (deterministic): INT8 only where the fake runtime runs a
 * node faster, borders counted, reasons with the figures; and the quantizer's model with those nodes
 * kept float loads and runs in onnxruntime, agreeing with the float model.
 */
import { describe, expect, it } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { choosePrecision, profileNodes, type LatencyTimer } from '../../src/core/profile';
import { prepareForQuantization, quantizeModel } from '../../src/core/quant';
import { calibFeeds, fixture, nativeRuntime, testSet, FMNIST_SPEC } from '../quant/helpers';
import { datasetFeeds } from '../../src/core/quant';

/** INT8 is fast only for layer3's two 3×3 convs; a Q or DQ costs `border` ms; float nodes 1 ms. */
function fakeTimer(border: number): LatencyTimer {
  return {
    key: 'fake/1',
    time: async (models) =>
      models.map((bytes) => {
        const g = decodeModel(bytes).graph!;
        const ops = g.node.map((n) => n.opType);
        if (ops.length === 1 && (ops[0] === 'QuantizeLinear' || ops[0] === 'DequantizeLinear')) return border;
        const main = g.node.find((n) => n.opType !== 'QuantizeLinear' && n.opType !== 'DequantizeLinear')!;
        if (!ops.includes('DequantizeLinear')) return 1;
        return /^\/layer3\/conv[12]\/Conv$/.test(main.name) ? 0.4 : 1.5;
      }),
  };
}

const prepared = () => prepareForQuantization(importModel(decodeModel(fixture('fmnist-resnet8.onnx'))));

describe('choosePrecision', () => {
  it('keeps INT8 only where the measured runtime runs it faster, borders included', async () => {
    const graph = prepared();
    const profile = await profileNodes(graph, { timer: fakeTimer(0.05) });
    const speed = choosePrecision(graph, profile, 'speed');
    const int8 = speed.nodes.filter((n) => n.precision === 'int8').map((n) => n.node);
    expect(int8.sort()).toEqual(['/layer3/conv1/Conv', '/layer3/conv2/Conv']);
    expect(speed.exclude).toHaveLength(speed.nodes.length - 2);
    const conv2 = speed.nodes.find((n) => n.node === '/layer3/conv2/Conv')!;
    expect(conv2.reason).toMatch(/^INT8: INT8 0\.400 ms .*vs float 1\.00 ms/);
    const stem = speed.nodes.find((n) => n.node === '/stem/stem.0/Conv')!;
    expect(stem.reason).toMatch(/^float: the integer kernel is slower here \(INT8 1\.50 ms/);
    expect(speed.predictedMs.chosen).toBeLessThan(speed.predictedMs.float);
    expect(speed.predictedMs.chosen).toBeLessThan(speed.predictedMs.int8);
    // Same profile, same answer.
    expect(choosePrecision(graph, profile, 'speed')).toEqual(speed);

    // Borders dearer than what layer3 saves: everything float.
    const dear = choosePrecision(graph, await profileNodes(graph, { timer: fakeTimer(2) }), 'speed');
    expect(dear.nodes.every((n) => n.precision === 'float')).toBe(true);
    expect(dear.nodes.find((n) => n.node === '/layer3/conv2/Conv')!.reason).toMatch(/^float: converting/);

    const size = choosePrecision(graph, profile, 'size');
    expect(size.exclude).toEqual([]);
    expect(
      size.nodes.every((n) => n.precision === 'int8' && n.reason.startsWith('INT8: smallest file')),
    ).toBe(true);
  });

  it('the model quantized with those nodes float loads and runs in onnxruntime', async () => {
    const graph = prepared();
    const choice = choosePrecision(graph, await profileNodes(graph, { timer: fakeTimer(0.05) }), 'speed');
    const runtime = await nativeRuntime();
    const q = await quantizeModel(fixture('fmnist-resnet8.onnx'), {
      runtime,
      calibration: () => calibFeeds(200),
      exclude: choice.exclude,
    });
    const ops = new Map(q.quantized.nodes().map((n) => [n.name, n]));
    const weightIsInt8 = (name: string) =>
      q.quantized.producer(ops.get(name)!.inputs[1])?.opType === 'DequantizeLinear';
    expect(weightIsInt8('/layer3/conv2/Conv')).toBe(true);
    expect(weightIsInt8('/layer1/conv1/Conv')).toBe(false);
    expect(weightIsInt8('/stem/stem.0/Conv')).toBe(false);
    expect([...q.plan.excluded].sort()).toEqual([...choice.exclude].sort());

    const rt = await createOrtRuntime({ backend: 'native', threads: 1 });
    const fs = await rt.createSession(q.floatBytes);
    const qs = await rt.createSession(q.bytes);
    let agree = 0;
    let total = 0;
    for await (const feeds of datasetFeeds(
      testSet(),
      { name: 'input', type: 'float32', shape: ['batch', 1, 28, 28] },
      { preprocess: FMNIST_SPEC, limit: 200, batchSize: 100 },
    )) {
      const [a, b] = [await fs.run(feeds), await qs.run(feeds)].map((o) => Object.values(o)[0]);
      const classes = a.dims[1];
      for (let i = 0; i < a.dims[0]; i++) {
        const arg = (d: ArrayLike<number>) => {
          let best = 0;
          for (let k = 1; k < classes; k++) if (d[i * classes + k] > d[i * classes + best]) best = k;
          return best;
        };
        agree += arg(a.data as Float32Array) === arg(b.data as Float32Array) ? 1 : 0;
        total++;
      }
    }
    expect(total).toBe(200);
    expect(agree / total).toBeGreaterThan(0.97);
    await fs.release();
    await qs.release();
  }, 120_000);
});

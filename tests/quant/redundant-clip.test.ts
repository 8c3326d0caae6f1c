/**
 * A QAT-learned scale a little above 6/255 on a ReLU6 output (fmnist-mobilenetv2's fine-tuning learned
 * 0.02354): onnxruntime's `extended` rewrites reject the QDQ model with its Clip ("two nodes with
 * same node name"). The Clip is redundant under that Q's rounding, so the QDQ model leaves it out:
 * it loads, and computes bit for bit what the model with the Clip computes without rewrites.
 */
import { describe, expect, it } from 'vitest';
import { exportModel, type Graph } from '../../src/core/graph';
import { DataType, encodeModel, makeTensor } from '../../src/core/onnx';
import { cloneGraph } from '../../src/core/prune';
import { applyQuantization, quantizeModel, type LearnedParams } from '../../src/core/quant';
import { calibFeeds, fixture, nativeRuntime, testSet, FMNIST_SPEC, FMNIST_INPUT } from './helpers';
import { datasetFeeds } from '../../src/core/quant';

/** In (6/255, 6/254.5]: the window onnxruntime fails on. */
const LEARNED = 0.02354;

async function logits(bytes: Uint8Array, optimize: boolean, x: Float32Array, n: number) {
  const session = await (await nativeRuntime()).createSession(bytes, { optimize });
  try {
    const out = await session.run({ input: { type: 'float32', data: x, dims: [n, 1, 28, 28] } }, ['logits']);
    return out.logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** `g` with a Clip(0, 6) put back between each Conv and the Q that read the removed Clip. */
function withClips(g: Graph, convOutputs: readonly string[]): Uint8Array {
  const c = cloneGraph(g);
  c.addInitializer(makeTensor('relu6_min', DataType.FLOAT, [], new Float32Array([0])));
  c.addInitializer(makeTensor('relu6_max', DataType.FLOAT, [], new Float32Array([6])));
  for (const v of convOutputs)
    c.insertAfter(v, {
      opType: 'Clip',
      name: `${v}_relu6`,
      inputs: [v, 'relu6_min', 'relu6_max'],
      outputs: [`${v}_relu6`],
    });
  return encodeModel(exportModel(c));
}

describe('a ReLU6 whose learned Q scale reaches just past 6', () => {
  it('is left out of the QDQ model, which loads and computes what the model with it computes', async () => {
    const ptq = await quantizeModel(fixture('fmnist-mobilenetv2.onnx'), {
      runtime: await nativeRuntime(),
      calibration: calibFeeds(200),
    });
    const clipped = Object.entries(ptq.plan.activations)
      .filter(([, q]) => q.clip?.[1] === 6 && q.shareWith === undefined)
      .map(([name]) => name);
    expect(clipped.length).toBeGreaterThan(10);
    const learned: LearnedParams = {
      activations: Object.fromEntries(clipped.map((name) => [name, { scale: LEARNED, zeroPoint: 0 }])),
      weights: {},
    };
    const { graph } = await applyQuantization(ptq.float, ptq.plan, ptq.ranges, { learned });
    const clipsBefore = ptq.quantized.nodes().filter((n) => n.opType === 'Clip').length;
    const clipsAfter = graph.nodes().filter((n) => n.opType === 'Clip').length;
    expect(clipsBefore - clipsAfter).toBe(clipped.length);
    const bytes = encodeModel(exportModel(graph));

    // The inputs the Qs now read: the Clips' inputs.
    const convOutputs = clipped.map((name) => ptq.float.producer(name)!.inputs[0]);
    const reference = withClips(graph, convOutputs);
    await expect(logits(reference, true, new Float32Array(784), 1)).rejects.toThrow(/same node name/);

    // 200 test images, and the same scaled up ×3 so many activations pass 6.
    const feeds = datasetFeeds(testSet(), FMNIST_INPUT, { preprocess: FMNIST_SPEC, limit: 200, batchSize: 200 });
    let x: Float32Array = new Float32Array(0);
    for await (const f of feeds) x = f.input.data as Float32Array;
    const both = new Float32Array(x.length * 2);
    both.set(x);
    both.set(x.map((v) => v * 3), x.length);
    const n = both.length / 784;
    const fused = await logits(bytes, true, both, n);
    const without = await logits(bytes, false, both, n);
    const withClip = await logits(reference, false, both, n);
    expect(Array.from(without)).toEqual(Array.from(withClip));
    // onnxruntime's fused integer kernels agree with the QDQ reference on every image's class.
    let agree = 0;
    for (let r = 0; r < n; r++) {
      const row = (z: Float32Array) => Array.from(z.subarray(r * 10, r * 10 + 10));
      const argmax = (v: number[]) => v.indexOf(Math.max(...v));
      if (argmax(row(fused)) === argmax(row(withClip))) agree++;
    }
    expect(agree / n).toBeGreaterThanOrEqual(0.98);
  });
});

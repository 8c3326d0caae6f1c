/**
 * Physical removal equals masking: for seeded random plans on every test model (zoo fixtures, the
 * three PaddleOCR models, builder fixtures with Concat/Split/Slice, BatchNorm, depthwise and grouped
 * convolutions, Sigmoid/HardSigmoid, squeeze-and-excitation, Flatten→Gemm and Reshape→Gemm), the
 * removed model loads in onnxruntime and its output equals the masked model's to 1e-5 relative; the
 * plan's cost estimate equals the cost model of the removed graph.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportModel, type Graph } from '../../src/core/graph';
import { encodeModel } from '../../src/core/onnx';
import { applyMask, cloneGraph } from '../../src/core/prune';
import { builderFixtures } from './fixtures';
import { FIXTURES, PADDLE, graphFromBytes, loadGraph, randomFeed, relativeError, runGraph } from './helpers';
import { checkPlan, randomPlan } from './property';

const ZOO = ['fmnist-resnet8.onnx', 'fmnist-resnet8-bn.onnx', 'fmnist-mobilenetv2.onnx', 'fmnist-mobilenetv2-bn.onnx'];
const SEEDS = [1, 2, 3, 4];

describe('removal equals masking (seeded random plans)', () => {
  for (const file of ZOO)
    it(`${file}: ${SEEDS.length} plans`, async () => {
      const graph = loadGraph(join(FIXTURES, file));
      for (const seed of SEEDS) {
        const r = await checkPlan(graph, randomPlan(graph, seed), randomFeed('input', [2, 1, 28, 28], seed));
        expect(r.plan.prunedChannels, `seed ${seed}`).toBeGreaterThan(0);
        expect(r.changed, `seed ${seed}: masking changed the output`).toBeGreaterThan(1e-3);
        expect(r.error, `seed ${seed}`).toBeLessThanOrEqual(1e-5);
        expect(r.macs.estimated).toBe(r.macs.measured);
        expect(r.parameters.estimated).toBe(r.parameters.measured);
      }
    });

  for (const fixture of builderFixtures())
    it(`builder ${fixture.name}: 6 plans`, async () => {
      const graph = graphFromBytes(fixture.bytes);
      let pruned = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const r = await checkPlan(graph, randomPlan(graph, seed), randomFeed('x', fixture.input, seed));
        pruned += r.plan.prunedChannels;
        expect(r.error, `seed ${seed}`).toBeLessThanOrEqual(1e-5);
        expect(r.macs.estimated).toBe(r.macs.measured);
        expect(r.parameters.estimated).toBe(r.parameters.measured);
      }
      expect(pruned).toBeGreaterThan(0);
    });

  it('PaddleOCR cls: 3 plans', async () => {
    const graph = loadGraph(join(PADDLE, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'));
    for (const seed of [1, 2, 3]) {
      const r = await checkPlan(graph, randomPlan(graph, seed), randomFeed('x', [1, 3, 48, 192], seed));
      expect(r.plan.prunedChannels).toBeGreaterThan(0);
      expect(r.error, `seed ${seed}`).toBeLessThanOrEqual(1e-5);
    }
  });

  // The deep det/rec networks amplify float32 rounding: with random plans the masked model already
  // differs from itself by up to ~1e-2 relative between onnxruntime's optimisation levels (a det map of
  // sigmoids near 0 makes max-relative error large). Removal must stay within that floor.
  for (const [file, dims] of [
    ['ch_PP-OCRv4_det_infer.onnx', [1, 3, 64, 64]],
    ['ch_PP-OCRv4_rec_infer.onnx', [1, 3, 48, 160]],
  ] as const)
    it(`PaddleOCR ${file}: 2 plans, within the float32 noise floor`, async () => {
      const graph = loadGraph(join(PADDLE, file));
      for (const seed of [1, 2]) {
        const plan = randomPlan(graph, seed, 0.5);
        const feeds = randomFeed('x', [...dims], seed);
        const r = await checkPlan(graph, plan, feeds);
        expect(r.plan.prunedChannels).toBeGreaterThan(0);
        const masked = cloneGraph(graph);
        applyMask(masked, plan);
        const floor = relativeError(await runGraph(masked, feeds), await runUnoptimized(masked, feeds.x.data as Float32Array, [...dims]));
        expect(r.error, `seed ${seed}`).toBeLessThanOrEqual(Math.max(1e-5, 5 * floor));
        expect(r.macs.estimated).toBe(r.macs.measured);
      }
    });
});

/** The same model without graph optimisations: the float32 noise floor of the comparison. */
async function runUnoptimized(graph: Graph, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(exportModel(graph)), {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
  });
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
    return out[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

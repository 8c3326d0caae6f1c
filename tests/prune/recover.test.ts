/**
 * Recovery on real data: compensation is exact for a constant channel; least-squares reconstruction
 * lowers every layer's error and raises fidelity; BatchNorm re-estimation sets the calibration
 * statistics; a progressive schedule keeps earlier steps' channels. After each, physical removal
 * still equals the (recovered) masked model.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import type { Dataset, TensorData } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import type { Graph } from '../../src/core/graph';
import { tensorData } from '../../src/core/onnx';
import {
  accuracyMetric,
  agreementMetric,
  analyzeSensitivity,
  applyMask,
  calibrationFromDataset,
  calibrationFromFeeds,
  capture,
  cloneGraph,
  compensate,
  planFromSelection,
  planPruning,
  pruneModel,
  reconstruct,
  reconstructionScores,
  reestimateBatchNorm,
  removeChannels,
  weightScores,
  type CalibrationBatches,
  type PrunePlan,
} from '../../src/core/prune';
import { createReferenceBackend } from '../../src/kernels';
import { ModelBuilder } from '../helpers/model-builder';
import {
  FIXTURES,
  graphFromBytes,
  loadGraph,
  nativeRuntime,
  randomFeed,
  relativeError,
  runGraph,
} from './helpers';

const kernels = createReferenceBackend();
const SPEC = { scale: 0.00392156862745098, mean: [0.286], std: [0.353] };
const INPUT = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
let calibration: CalibrationBatches;
let test: Dataset;
let probe: Record<string, TensorData>;

beforeAll(async () => {
  calibration = await calibrationFromDataset(await openDatasetPath(join(FIXTURES, 'fmnist-calib')), {
    input: INPUT,
    preprocess: SPEC,
    limit: 200,
  });
  test = await openDatasetPath(join(FIXTURES, 'fmnist-test'));
  for await (const f of calibration()) {
    probe = f as Record<string, TensorData>;
    break;
  }
});

/** Removal of `plan` from the recovered masked graph computes what that graph computes. */
async function expectRemovalEqualsMasked(masked: Graph, plan: PrunePlan, feeds: Record<string, TensorData>) {
  const removed = cloneGraph(masked);
  removeChannels(removed, plan);
  expect(relativeError(await runGraph(masked, feeds), await runGraph(removed, feeds))).toBeLessThanOrEqual(
    1e-5,
  );
}

describe('compensation', () => {
  it('folds a constant channel into the consumer’s bias exactly, adding a bias that removal slices', async () => {
    // Channel 2 of conv1 has zero weights and bias 0.7: after ReLU it is the constant 0.7.
    const w1 = Array.from({ length: 8 }, (_, i) => [0.5, -0.3, 0, 0.8, 0.2, 0.4, -0.6, 0.1][i]);
    w1[4] = 0;
    w1[5] = 0;
    const { bytes } = new ModelBuilder({ seed: 11 })
      .input('x', 'float32', ['N', 2, 5, 5])
      .initializer('w1', [4, 2, 1, 1], w1)
      .initializer('b1', [4], [0.1, -0.2, 0.7, 0.3])
      .initializer('w2', [6, 4, 1, 1])
      .initializer('w3', [3, 6, 3, 3])
      .node('Conv', ['x', 'w1', 'b1'], ['a'], {}, { name: 'conv1' })
      .node('Relu', ['a'], ['r'])
      .node('Conv', ['r', 'w2'], ['c'], {}, { name: 'conv2' })
      .node('Relu', ['c'], ['s'])
      .node('Conv', ['s', 'w3'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv3' })
      .output('y', 'float32', ['N', 3, 5, 5])
      .build();
    const graph = graphFromBytes(bytes);
    const analysis = analyzeChannels(graph);
    const [g1, g2] = analysis.groups.filter((g) => g.prunable);
    const plan = planFromSelection(graph, analysis, { [g1.id]: [2], [g2.id]: [4] });
    const feeds = randomFeed('x', [4, 2, 5, 5], 1);
    const masked = cloneGraph(graph);
    applyMask(masked, plan);
    const original = await runGraph(graph, feeds);
    expect(relativeError(original, await runGraph(masked, feeds))).toBeGreaterThan(1e-3);

    const runtime = await nativeRuntime();
    const r = await compensate(runtime, graph, masked, plan, calibrationFromFeeds([feeds]));
    expect(r.report.layers.map((l) => l.node)).toEqual(['conv2', 'conv3']);
    // conv2 absorbs channel 2 exactly; conv3 then differs only by channel 4 of conv2, itself pruned.
    const partial = planFromSelection(graph, analysis, { [g1.id]: [2] });
    const maskedOne = cloneGraph(graph);
    applyMask(maskedOne, partial);
    const one = await compensate(runtime, graph, maskedOne, partial, calibrationFromFeeds([feeds]));
    expect(relativeError(original, await runGraph(maskedOne, feeds))).toBeLessThan(1e-6);
    // Only conv2 reads a pruned channel. It gains a bias, but its own group is not pruned: nothing
    // of that group is listed for removal, and removal keeps the new bias whole.
    expect(one.report.layers.map((l) => l.node)).toEqual(['conv2']);
    expect(maskedOne.nodes().find((n) => n.name === 'conv2')!.inputs[2]).toMatch(/^conv2\.bias/);
    expect(one.plan.groups.find((g) => g.id === g2.id)).toMatchObject({
      status: 'unchanged',
      prune: [],
      members: [],
    });
    await expectRemovalEqualsMasked(maskedOne, one.plan, feeds);
    await expectRemovalEqualsMasked(masked, r.plan, feeds);
    expect(
      r.plan.groups.find((g) => g.id === g2.id)!.members.some((m) => m.name.startsWith('conv2.bias')),
    ).toBe(true);
  });
});

describe('least-squares reconstruction on activations of very different scales', () => {
  // conv1 (1×1, 2 → 6 channels) feeds conv2 with no nonlinearity between, so the 3 channels kept of 6
  // span {x₀, x₁, 1} and least squares can rebuild conv2's output exactly. Channel c of conv1 is scaled
  // by s_c and conv2's input column c by 1/s_c: the function is the same at every scale, only the
  // activations' units change. A ridge λ set by tr(XᵀX) with the bias column of ones shrinks 1e-9-scale
  // weights to nothing (constant output); the fit must not depend on the units.
  const cases: [string, number[]][] = [
    ['1e-9', Array(6).fill(1e-9)],
    ['1', Array(6).fill(1)],
    ['1e6', Array(6).fill(1e6)],
    ['1e-9, 1 and 1e6 in one layer', [1e-9, 1, 1e6, 1e-9, 1, 1e6]],
  ];
  /** The model with conv1's channels scaled by `scales`, channels `pruned` removed, and its data. */
  async function scaledCase(scales: number[], pruned = [1, 3, 5]) {
    const w1 = [0.9, -0.4, 0.3, 0.8, -0.7, 0.5, 0.2, -0.6, 0.6, 0.1, -0.3, -0.9].map(
      (v, i) => v * scales[i >> 1],
    );
    const b1 = [0.2, -0.5, 0.4, 0.1, -0.3, 0.6].map((v, c) => v * scales[c]);
    const w2 = [
      0.5, -0.8, 0.3, 0.7, -0.2, 0.4, -0.6, 0.9, 0.1, -0.4, 0.8, -0.3, 0.2, 0.6, -0.9, 0.3, 0.5, -0.7,
    ].map((v, i) => v / scales[i % 6]);
    const { bytes } = new ModelBuilder()
      .input('x', 'float32', ['N', 2, 4, 4])
      .initializer('w1', [6, 2, 1, 1], w1)
      .initializer('b1', [6], b1)
      .initializer('w2', [3, 6, 1, 1], w2)
      .initializer('b2', [3], [0.1, -0.2, 0.3])
      .node('Conv', ['x', 'w1', 'b1'], ['a'], {}, { name: 'conv1' })
      .node('Conv', ['a', 'w2', 'b2'], ['y'], {}, { name: 'conv2' })
      .output('y', 'float32', ['N', 3, 4, 4])
      .build();
    const graph = graphFromBytes(bytes);
    const analysis = analyzeChannels(graph);
    const group = analysis.groups.find((g) =>
      g.members.some((m) => m.name === 'w1' && m.role === 'producer'),
    )!;
    const plan = planFromSelection(graph, analysis, { [group.id]: pruned });
    const masked = cloneGraph(graph);
    applyMask(masked, plan);
    const held = randomFeed('x', [8, 2, 4, 4], 5);
    const original = await runGraph(graph, held);
    expect(relativeError(original, await runGraph(masked, held))).toBeGreaterThan(0.1);

    const runtime = await nativeRuntime();
    const fit = (floor?: number) =>
      reconstruct(runtime, graph, masked, plan, calibrationFromFeeds([randomFeed('x', [16, 2, 4, 4], 4)]), {
        kernels,
        floor,
      });
    return { masked, held, original, fit };
  }

  it.each(cases)(
    'recovered outputs track the original with activations at scale %s',
    async (_label, scales) => {
      const { masked, held, original, fit } = await scaledCase(scales);
      const r = await fit();
      expect(r.report.layers.map((l) => [l.node, l.after < 1e-4])).toEqual([['conv2', true]]);
      expect(relativeError(original, await runGraph(masked, held))).toBeLessThan(1e-2);
      await expectRemovalEqualsMasked(masked, r.plan, held);
    },
  );

  const conv2Weight = (graph: Graph) =>
    tensorData(
      graph.initializers.get(graph.nodes().find((n) => n.name === 'conv2')!.inputs[1])!,
    ) as Float32Array;

  it('keeps a kept channel 1e9 times fainter than its neighbours near its weights (INT8 would round it to 0)', async () => {
    // Channels 1, 3 and 5 kept at scales 1, 1e-9 and 1e6: the exact fit needs a giant weight on channel 3.
    const scales = cases[3][1];
    const exact = await scaledCase(scales, [0, 2, 4]);
    const r = await exact.fit(0);
    expect(r.report.layers[0].after).toBeLessThan(1e-4);

    const floored = await scaledCase(scales, [0, 2, 4]);
    const before = Float32Array.from(conv2Weight(floored.masked));
    const d = await floored.fit();
    expect(d.report.layers[0].after).toBeLessThan(d.report.layers[0].before);
    const after = conv2Weight(floored.masked);
    for (let o = 0; o < 3; o++) expect(Math.abs(after[o * 6 + 3] / before[o * 6 + 3] - 1)).toBeLessThan(0.05);
    // Where the exact fit moved it by more.
    expect(Math.abs(conv2Weight(exact.masked)[3] / before[3] - 1)).toBeGreaterThan(0.05);
    await expectRemovalEqualsMasked(floored.masked, d.plan, floored.held);
  });
});

describe('least-squares reconstruction and BatchNorm re-estimation (resnet8-bn)', () => {
  let graph: Graph;
  let plan: PrunePlan;
  let masked: Graph;

  beforeAll(async () => {
    graph = loadGraph(join(FIXTURES, 'fmnist-resnet8-bn.onnx'));
    const analysis = analyzeChannels(graph);
    const scores = await weightScores(graph, analysis.groups, { criterion: 'l2' }, kernels);
    plan = planPruning(graph, analysis, scores, { ratio: 0.4, includeFirst: true, includeClassifier: true });
    masked = cloneGraph(graph);
    applyMask(masked, plan);
  });

  it('skips, with the reason, layers whose calibration activations overflow, instead of failing the run', async () => {
    const runtime = await nativeRuntime();
    const recovered = cloneGraph(masked);
    // Inputs of 1e30 overflow f32 within a few layers: their statistics are infinite or NaN.
    const huge = randomFeed('input', [8, 1, 28, 28], 3);
    const data = huge.input.data as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] *= 1e30;
    const r = await reconstruct(runtime, graph, recovered, plan, calibrationFromFeeds([huge]), { kernels, maxRows: 500 });
    expect(r.report.skipped.length).toBeGreaterThan(0);
    for (const s of r.report.skipped) expect(s.why).toBe('its calibration activations overflow (statistics not finite)');
  });

  it('lowers every layer’s reconstruction error and raises agreement with the original', async () => {
    const runtime = await nativeRuntime();
    const recovered = cloneGraph(masked);
    const r = await reconstruct(runtime, graph, recovered, plan, calibration, {
      kernels,
      maxRows: 1500,
      alpha: 1e-3,
    });
    expect(r.report.layers.length).toBeGreaterThanOrEqual(8);
    for (const l of r.report.layers) expect(l.after, l.node).toBeLessThan(l.before);
    const agreement = agreementMetric(runtime, graph, test, { limit: 500, preprocess: SPEC });
    const [before, after] = [await agreement(masked), await agreement(recovered)];
    expect(after).toBeGreaterThan(before + 0.05);
    await expectRemovalEqualsMasked(recovered, r.plan, probe);
  });

  it('starts each layer from the last kept cut, the targets of all layers from one pass of the original: the weights of running every layer from the model input', async () => {
    const runtime = await nativeRuntime();
    const [fromCut, fromInput] = [cloneGraph(masked), cloneGraph(masked)];
    const a = await reconstruct(runtime, graph, fromCut, plan, calibration, { kernels, maxRows: 1500 });
    // A budget no cut fits: every layer's pass runs the models from their inputs (the one-layer-at-a-time way).
    const b = await reconstruct(runtime, graph, fromInput, plan, calibration, {
      kernels,
      maxRows: 1500,
      memoryBudget: 1,
    });
    expect(a.report.passes.fromCut).toBeGreaterThan(0);
    expect(b.report.passes.fromCut).toBe(0);
    // The original's outputs at every layer's sampled rows fit the default budget: one pass for all.
    expect(a.report.passes.original).toBe(1);
    expect(b.report.passes.original).toBe(b.report.layers.length);
    expect(a.report.layers.length).toBeGreaterThanOrEqual(4);
    expect(a.report.layers.map((l) => l.node)).toEqual(b.report.layers.map((l) => l.node));
    const refitted = new Set(
      a.report.layers.flatMap((l) =>
        fromCut
          .nodes()
          .find((n) => n.name === l.node)!
          .inputs.slice(1),
      ),
    );
    for (const name of refitted) {
      const [x, y] = [fromCut, fromInput].map((g) => tensorData(g.initializers.get(name)!) as Float32Array);
      let worst = 0;
      let scale = 0;
      x.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - y[i]));
        scale = Math.max(scale, Math.abs(y[i]));
      });
      expect(worst / scale, name).toBeLessThan(1e-4);
    }
  });

  it('gathers rows in chunks with the weights of gathering them at once', async () => {
    const runtime = await nativeRuntime();
    const [whole, chunked] = [cloneGraph(masked), cloneGraph(masked)];
    const a = await reconstruct(runtime, graph, whole, plan, calibration, { kernels, maxRows: 1500 });
    // 64-row chunks: every layer's batch goes through in several.
    await reconstruct(runtime, graph, chunked, plan, calibration, { kernels, maxRows: 1500, chunkFloats: 1 });
    const refitted = new Set(
      a.report.layers.flatMap((l) =>
        whole
          .nodes()
          .find((n) => n.name === l.node)!
          .inputs.slice(1),
      ),
    );
    expect(refitted.size).toBeGreaterThanOrEqual(8);
    for (const name of refitted) {
      const [x, y] = [whole, chunked].map((g) => tensorData(g.initializers.get(name)!) as Float32Array);
      let worst = 0;
      let scale = 0;
      x.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - y[i]));
        scale = Math.max(scale, Math.abs(y[i]));
      });
      expect(worst / scale, name).toBeLessThan(1e-4);
    }
  });

  it('BatchNorm re-estimation writes the calibration statistics of each BatchNorm’s input', async () => {
    const runtime = await nativeRuntime();
    const recovered = cloneGraph(masked);
    const r = await reestimateBatchNorm(runtime, recovered, plan, calibration);
    expect(r.report.layers).toBe(recovered.nodes().filter((n) => n.opType === 'BatchNormalization').length);
    expect(r.report.passes).toBeGreaterThan(1);
    const bn = recovered
      .nodes()
      .filter((n) => n.opType === 'BatchNormalization')
      .at(-1)!;
    let sum: Float64Array | undefined;
    let count = 0;
    for await (const { values } of capture(runtime, recovered, [bn.inputs[0]], calibration)) {
      const t = values[bn.inputs[0]];
      const plane = t.dims[2] * t.dims[3];
      sum ??= new Float64Array(t.dims[1]);
      const d = t.data as Float32Array;
      for (let i = 0; i < d.length; i++) sum[Math.floor(i / plane) % t.dims[1]] += d[i];
      count += t.dims[0] * plane;
    }
    const mean = tensorData(recovered.initializers.get(bn.inputs[3])!) as Float32Array;
    sum!.forEach((s, c) => expect(mean[c]).toBeCloseTo(s / count, 4));
    await expectRemovalEqualsMasked(recovered, r.plan, probe);
  });
});

describe('reconstruction criterion under a memory budget', () => {
  it('takes a pass per block of layers that fits, scoring channels as one pass does', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8-bn.onnx'));
    const { groups } = analyzeChannels(graph);
    const runtime = await nativeRuntime();
    const passes: number[] = [];
    const counting = {
      ...runtime,
      createSession: (...a: Parameters<typeof runtime.createSession>) => {
        passes[passes.length - 1]++;
        return runtime.createSession(...a);
      },
    };
    passes.push(0);
    const one = await reconstructionScores(counting, graph, groups, calibration, kernels);
    passes.push(0);
    const many = await reconstructionScores(counting, graph, groups, calibration, kernels, {
      memoryBudget: 1,
    });
    expect(passes[0]).toBe(1);
    expect(passes[1]).toBeGreaterThan(4);
    // Rows are drawn from one random stream in another order: the same ranking up to sampling noise.
    for (const id of Object.keys(one)) {
      const [a, b] = [one[id], many[id]];
      const diff = Math.hypot(...a.map((v, i) => v - b[i])) / Math.hypot(...a);
      expect(diff, id).toBeLessThan(0.15);
    }
  });
});

describe('pruneModel', () => {
  it('progressive steps reach the MAC target and keep earlier steps’ channels', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
    const steps: PrunePlan[] = [];
    const { masked, plan } = await pruneModel(graph, {
      criterion: { criterion: 'fpgm' },
      recipe: { macsTarget: 0.3, includeFirst: true, includeClassifier: true },
      kernels,
      runtime: await nativeRuntime(),
      calibration,
      recover: { compensate: true, lsq: true, lsqOptions: { maxRows: 800 } },
      steps: 2,
      onStep: (_k, _n, p) => steps.push(p),
    });
    expect(steps).toHaveLength(2);
    expect(1 - steps[0].after.macs! / steps[0].before.macs!).toBeGreaterThanOrEqual(0.15);
    expect(1 - plan.after.macs! / plan.before.macs!).toBeGreaterThanOrEqual(0.3);
    for (const g of steps[0].groups)
      for (const c of g.prune) expect(plan.groups.find((x) => x.id === g.id)!.prune).toContain(c);
    await expectRemovalEqualsMasked(masked, plan, probe);
  });
});

describe('analyzeSensitivity', () => {
  it('measures each eligible group alone at 25/50/75 % on a subset, drops growing with the ratio', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
    const analysis = analyzeChannels(graph);
    const scores = await weightScores(graph, analysis.groups, { criterion: 'l2' }, kernels);
    const metric = accuracyMetric(await nativeRuntime(), test, { limit: 300, preprocess: SPEC });
    const report = await analyzeSensitivity(graph, analysis, scores, metric, {
      samples: 300,
      rules: { includeFirst: true },
    });
    expect(report.baseline).toBeGreaterThan(0.85);
    expect(report.groups.map((g) => g.group)).toEqual(
      analysis.groups
        .filter((g) => g.prunable)
        .map((g) => g.id)
        .slice(0, -1),
    );
    for (const g of report.groups) {
      expect(g.ratios).toEqual([0.25, 0.5, 0.75]);
      expect(g.drops[2]).toBeGreaterThanOrEqual(g.drops[0] - 0.02);
    }
    // Planning can use it: a sensitivity plan for a MAC target.
    const plan = planPruning(graph, analysis, scores, {
      macsTarget: 0.2,
      sensitivity: report,
      includeFirst: true,
    });
    expect(1 - plan.after.macs! / plan.before.macs!).toBeGreaterThanOrEqual(0.2);
  });
});

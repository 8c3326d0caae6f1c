/** Criteria: L1/L2 against hand sums, FPGM on signed weights, BN folding, normalisation, activation. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { calibrationFromFeeds, normalizeScores, scoreChannels, weightScores } from '../../src/core/prune';
import { createReferenceBackend } from '../../src/kernels';
import { ModelBuilder } from '../helpers/model-builder';
import { FIXTURES, graphFromBytes, loadGraph, nativeRuntime, randomFeed } from './helpers';

const kernels = createReferenceBackend();

/** Conv 2→4 whose four filters are given, then a consumer conv so the group is prunable. */
function fourFilters(filters: number[][]) {
  const { bytes } = new ModelBuilder()
    .input('x', 'float32', ['N', 2, 4, 4])
    .initializer('w', [4, 2, 1, 1], filters.flat())
    .initializer('w2', [3, 4, 1, 1])
    .node('Conv', ['x', 'w'], ['a'])
    .node('Relu', ['a'], ['r'])
    .node('Conv', ['r', 'w2'], ['y'])
    .output('y', 'float32', ['N', 3, 4, 4])
    .build();
  const graph = graphFromBytes(bytes);
  const analysis = analyzeChannels(graph);
  const group = analysis.groups.find((g) => g.prunable && g.channels === 4)!;
  return { graph, analysis, group };
}

describe('weight criteria', () => {
  it('L1 and L2 are the filters’ norms (normalize none)', async () => {
    const { graph, analysis, group } = fourFilters([[1, -2], [3, 4], [0, 0.5], [-1, -1]]);
    const l1 = await weightScores(graph, analysis.groups, { criterion: 'l1', normalize: 'none' }, kernels);
    const l2 = await weightScores(graph, analysis.groups, { criterion: 'l2', normalize: 'none' }, kernels);
    expect(l1[group.id]).toEqual([3, 7, 0.5, 2]);
    expect(l2[group.id].map((v) => +v.toFixed(6))).toEqual([Math.sqrt(5), 5, 0.5, Math.SQRT2].map((v) => +v.toFixed(6)));
  });

  it('FPGM works on signed filters: w and −w are far apart, not equal', async () => {
    // Filters a = (1,0), b = (−1,0), c = (0.9,0), d = (1.1,0). On |w| b would coincide with a; signed,
    // b is the outlier and c/a/d sit near the geometric median.
    const { graph, analysis, group } = fourFilters([[1, 0], [-1, 0], [0.9, 0], [1.1, 0]]);
    const s = (await weightScores(graph, analysis.groups, { criterion: 'fpgm', normalize: 'none' }, kernels))[group.id];
    const sums = [
      [0, 2, 0.1, 0.1],
      [2, 0, 1.9, 2.1],
      [0.1, 1.9, 0, 0.2],
      [0.1, 2.1, 0.2, 0],
    ].map((r) => r.reduce((a, b) => a + b, 0));
    const mean = (Math.abs(1) + 1 + 0.9 + 1.1) / 4;
    s.forEach((v, i) => expect(v).toBeCloseTo(sums[i] / mean, 5));
    expect(s.indexOf(Math.max(...s))).toBe(1);
    expect(s.indexOf(Math.min(...s))).toBe(0);
  });

  it('BatchNorm scales are folded in: fused and -bn exports of resnet8 score alike', async () => {
    const fused = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
    const bn = loadGraph(join(FIXTURES, 'fmnist-resnet8-bn.onnx'));
    for (const criterion of ['l2', 'fpgm'] as const) {
      const a = await weightScores(fused, analyzeChannels(fused).groups, { criterion }, kernels);
      const b = await weightScores(bn, analyzeChannels(bn).groups, { criterion }, kernels);
      expect(Object.keys(a)).toEqual(Object.keys(b));
      for (const id of Object.keys(a)) a[id].forEach((v, i) => expect(b[id][i], `${criterion} ${id}[${i}]`).toBeCloseTo(v, 4));
    }
  });

  it('normalisation: mean → 1, max → 1, l2 → root mean square 1', () => {
    const s = Float64Array.from([1, 2, 3, 6]);
    const mean = normalizeScores(s, 'mean');
    expect(mean.reduce((a, b) => a + b, 0) / 4).toBeCloseTo(1, 12);
    expect(Math.max(...normalizeScores(s, 'max'))).toBe(1);
    const l2 = normalizeScores(s, 'l2');
    expect(Math.sqrt(l2.reduce((a, b) => a + b * b, 0) / 4)).toBeCloseTo(1, 12);
    expect(normalizeScores(s, 'none')).toEqual([1, 2, 3, 6]);
  });

  it('consumers can be included: scores change but stay one per channel', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-mobilenetv2.onnx'));
    const groups = analyzeChannels(graph).groups;
    const a = await weightScores(graph, groups, { criterion: 'l2' }, kernels);
    const b = await weightScores(graph, groups, { criterion: 'l2', includeConsumers: true }, kernels);
    for (const g of groups.filter((x) => x.prunable)) {
      expect(b[g.id]).toHaveLength(g.channels);
      expect(b[g.id].every(Number.isFinite)).toBe(true);
    }
    expect(Object.keys(a).some((id) => a[id].some((v, i) => Math.abs(v - b[id][i]) > 1e-6))).toBe(true);
  });
});

describe('activation criterion', () => {
  it('a channel that is always 0 on the data scores 0; the others score above it', async () => {
    // Channel 2's filter and bias make it negative everywhere, so ReLU kills it on positive inputs.
    const { bytes } = new ModelBuilder({ seed: 4 })
      .input('x', 'float32', ['N', 2, 4, 4])
      .initializer('w', [4, 2, 1, 1], [1, 0.5, 0.3, 0.7, -1, -1, 0.2, 0.9])
      .initializer('b', [4], [0.1, 0.1, -0.5, 0.1])
      .initializer('w2', [3, 4, 1, 1])
      .node('Conv', ['x', 'w', 'b'], ['a'])
      .node('Relu', ['a'], ['r'])
      .node('Conv', ['r', 'w2'], ['y'])
      .output('y', 'float32', ['N', 3, 4, 4])
      .build();
    const graph = graphFromBytes(bytes);
    const groups = analyzeChannels(graph).groups;
    const positive = randomFeed('x', [8, 2, 4, 4], 2);
    const data = positive.x.data as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] = Math.abs(data[i]);
    const scores = await scoreChannels(graph, groups, { criterion: 'activation' }, kernels, await nativeRuntime(), calibrationFromFeeds([positive]));
    const g = groups.find((x) => x.prunable && x.channels === 4)!;
    expect(scores[g.id][2]).toBe(0);
    for (const c of [0, 1, 3]) expect(scores[g.id][c]).toBeGreaterThan(0);
  });
});

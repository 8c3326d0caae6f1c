/** Planning: uniform, global, MAC targets, round-to, constraints, exclusions, overrides, sensitivity. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { costModel } from '../../src/core/graph';
import {
  applyMask,
  cloneGraph,
  planPruning,
  removeChannels,
  sensitivityRatio,
  weightScores,
  type SensitivityReport,
} from '../../src/core/prune';
import { createReferenceBackend } from '../../src/kernels';
import { builderFixtures } from './fixtures';
import { FIXTURES, graphFromBytes, loadGraph } from './helpers';

const kernels = createReferenceBackend();
const resnet = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
const resnetAnalysis = analyzeChannels(resnet);
const scoresOf = (graph = resnet, analysis = resnetAnalysis) => weightScores(graph, analysis.groups, { criterion: 'l2' }, kernels);

describe('planPruning', () => {
  it('uniform ratio: each eligible group loses ⌊r·C⌋; first conv and classifier groups are kept', async () => {
    const plan = planPruning(resnet, resnetAnalysis, await scoresOf(), { ratio: 0.3 }, 'l2');
    expect(plan.mode).toBe('uniform');
    const byStatus = (s: string) => plan.groups.filter((g) => g.status === s);
    expect(byStatus('excluded').map((g) => g.reason)).toEqual([
      expect.stringContaining('first convolution'),
      expect.stringContaining('classifier'),
    ]);
    for (const g of byStatus('pruned')) expect(g.prune.length).toBe(Math.floor(0.3 * g.channels));
    for (const g of byStatus('blocked')) expect(g.prune).toEqual([]);
    expect(plan.after.macs!).toBeLessThan(plan.before.macs!);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('prunes the lowest scores, never a whole group, and keeps multiples of round-to', async () => {
    const scores = await scoresOf();
    const plan = planPruning(resnet, resnetAnalysis, scores, { ratio: 0.99, maxGroupRatio: 1, roundTo: 4, includeFirst: true, includeClassifier: true });
    for (const g of plan.groups.filter((x) => x.status === 'pruned')) {
      expect(g.keep).toBeGreaterThanOrEqual(4);
      expect(g.keep % 4).toBe(0);
      const s = scores[g.id];
      const maxPruned = Math.max(...g.prune.map((c) => s[c]));
      const kept = [...Array(g.channels).keys()].filter((c) => !g.prune.includes(c));
      expect(Math.min(...kept.map((c) => s[c]))).toBeGreaterThanOrEqual(maxPruned);
    }
  });

  it('MAC target: estimated MACs fall by at least the target, and removal measures the same', async () => {
    const scores = await scoresOf();
    for (const global of [false, true]) {
      const plan = planPruning(resnet, resnetAnalysis, scores, { macsTarget: 0.4, global, includeFirst: true, includeClassifier: true });
      expect(1 - plan.after.macs! / plan.before.macs!, `global ${global}`).toBeGreaterThanOrEqual(0.4);
      expect(1 - plan.after.macs! / plan.before.macs!).toBeLessThan(0.5);
      const removed = cloneGraph(resnet);
      applyMask(removed, plan);
      removeChannels(removed, plan);
      expect(costModel(removed).macs).toBe(plan.after.macs!);
    }
  });

  it('global ranking respects the per-group maximum and reaches the asked share of channels', async () => {
    const plan = planPruning(resnet, resnetAnalysis, await scoresOf(), { ratio: 0.4, global: true, maxGroupRatio: 0.5, includeFirst: true, includeClassifier: true });
    expect(plan.mode).toBe('global');
    for (const g of plan.groups) expect(g.prune.length).toBeLessThanOrEqual(Math.floor(0.5 * g.channels));
    expect(plan.prunedChannels).toBeGreaterThanOrEqual(Math.floor(0.4 * plan.prunableChannels));
  });

  it('overrides fix a group’s ratio (0 keeps it whole); an unreachable target says so', async () => {
    const scores = await scoresOf();
    const ids = resnetAnalysis.groups.filter((g) => g.prunable).map((g) => g.id);
    const overrides = Object.fromEntries(ids.map((id, i) => [id, i === 1 ? 0.5 : 0]));
    const plan = planPruning(resnet, resnetAnalysis, scores, { macsTarget: 0.9, overrides });
    expect(plan.groups.filter((g) => g.prune.length).map((g) => g.id)).toEqual([ids[1]]);
    expect(plan.note).toMatch(/out of reach/);
  });

  it('grouped convolutions lose as many channels in every conv group', async () => {
    const fixture = builderFixtures().find((f) => f.name === 'bn-depthwise-grouped')!;
    const graph = graphFromBytes(fixture.bytes);
    const analysis = analyzeChannels(graph);
    const scores = await scoresOf(graph, analysis);
    const plan = planPruning(graph, analysis, scores, { ratio: 0.5, includeFirst: true });
    const grouped = plan.groups.filter((g) => g.constraints.length && g.prune.length);
    expect(grouped.length).toBeGreaterThan(0);
    for (const g of grouped) {
      const c = g.constraints[0];
      const tensor = g.members.find((m) => m.kind === 'tensor' && m.name === c.name)!;
      const per = tensor.extent / c.blocks;
      const counts = new Array(c.blocks).fill(0);
      for (const r of tensor.runs)
        for (let k = 0; k < r.length; k++) if (g.prune.includes(r.groupStart + k)) counts[Math.floor((r.targetStart + k * r.block) / per)]++;
      expect(new Set(counts).size, `${g.id} per-block counts ${counts}`).toBe(1);
      expect(g.keep % c.blocks).toBe(0);
    }
  });

  it('already-pruned channels stay pruned (progressive steps)', async () => {
    const scores = await scoresOf();
    const first = planPruning(resnet, resnetAnalysis, scores, { ratio: 0.2, includeFirst: true });
    const already = Object.fromEntries(first.groups.map((g) => [g.id, g.prune]));
    const flipped = Object.fromEntries(Object.entries(scores).map(([id, s]) => [id, s.map((v) => -v)]));
    const second = planPruning(resnet, resnetAnalysis, flipped, { ratio: 0.4, includeFirst: true, alreadyPruned: already });
    for (const g of first.groups) for (const c of g.prune) expect(second.groups.find((x) => x.id === g.id)!.prune).toContain(c);
  });

  it('sensitivity-guided allocation prunes insensitive groups harder', async () => {
    const ids = resnetAnalysis.groups.filter((g) => g.prunable).map((g) => g.id);
    const report: SensitivityReport = {
      metric: 'accuracy',
      baseline: 0.9,
      samples: 100,
      groups: ids.map((id, i) => ({ group: id, ratios: [0.25, 0.5, 0.75], drops: i % 2 ? [0.001, 0.002, 0.01] : [0.05, 0.2, 0.5] })),
    };
    expect(sensitivityRatio(report, ids[1], 0.002)).toBeCloseTo(0.5, 9);
    expect(sensitivityRatio(report, ids[0], 0.025)).toBeCloseTo(0.125, 9);
    const plan = planPruning(resnet, resnetAnalysis, await scoresOf(), { macsTarget: 0.3, sensitivity: report, includeFirst: true, includeClassifier: true });
    expect(plan.mode).toBe('sensitivity');
    expect(1 - plan.after.macs! / plan.before.macs!).toBeGreaterThanOrEqual(0.3);
    const ratio = (id: string) => {
      const g = plan.groups.find((x) => x.id === id)!;
      return g.prune.length / g.channels;
    };
    for (let i = 0; i + 1 < ids.length; i += 2) expect(ratio(ids[i + 1])).toBeGreaterThan(ratio(ids[i]));
  });
});

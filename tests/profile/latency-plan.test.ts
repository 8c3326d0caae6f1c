/**
 * Planning for a latency goal from an injected profile: channels go where they cost the least
 * importance per millisecond saved, so the same model and scores give opposite plans when the
 * measured milliseconds sit in opposite layers; the plan's estimate reaches the goal.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { CostEstimator, planPruning, weightScores, type PrunePlan } from '../../src/core/prune';
import { createReferenceBackend } from '../../src/kernels';
import { FIXTURES, loadGraph } from '../prune/helpers';
import { inferShapes } from '../../src/core/graph';

const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
const analysis = analyzeChannels(graph);
const scores = await weightScores(graph, analysis.groups, { criterion: 'l2' }, createReferenceBackend());
const weighted = graph.nodes().filter((n) => n.opType === 'Conv' || n.opType === 'Gemm');

/** Whether a group's channels run through (in or out) one of the nodes `heavy` names. */
const touches = (id: string, heavy: RegExp) =>
  analysis.groups.find((g) => g.id === id)!.members.some((m) => m.kind === 'parameter' && heavy.test(m.node));
const prunedGroups = (p: PrunePlan) => p.groups.filter((g) => g.prune.length > 0).map((g) => g.id);

function plan(heavy: RegExp) {
  const nodeMs = Object.fromEntries(weighted.map((n) => [n.name, heavy.test(n.name) ? 10 : 0.5]));
  const total = Object.values(nodeMs).reduce((a, b) => a + b, 0);
  const fixedMs = 2;
  const goal = { goalMs: 0.7 * (total + fixedMs), nodeMs, fixedMs };
  return { plan: planPruning(graph, analysis, scores, { latency: goal }, 'l2'), goal };
}

describe('planPruning with a latency goal', () => {
  it('prunes where the measured milliseconds are, and its estimate reaches the goal', () => {
    const a = plan(/^\/layer1\/conv[12]\/Conv$/);
    const b = plan(/^\/layer3\/conv[12]\/Conv$/);
    for (const { plan: p, goal } of [a, b]) {
      expect(p.latency!.after).toBeLessThanOrEqual(goal.goalMs);
      // Not far past it either: the search moves in slices of 1/32 of a group.
      expect(p.latency!.after).toBeGreaterThan(0.9 * goal.goalMs);
      expect(p.note).toBeUndefined();
      const estimator = new CostEstimator(graph, analysis.groups, inferShapes(graph));
      const chosen = new Map(p.groups.map((g) => [g.id, g.prune]));
      const nodes = estimator.weighted(chosen, goal.nodeMs);
      // The rest shrinks with the node time kept.
      const total = Object.values(goal.nodeMs).reduce((x, y) => x + y, 0);
      expect(nodes + goal.fixedMs * (nodes / total)).toBeCloseTo(p.latency!.after, 9);
    }
    // Light layers keep every channel; the heavy ones give them up (the scores are the same).
    const heavyA = /^\/layer1\/conv[12]\/Conv$/;
    const heavyB = /^\/layer3\/conv[12]\/Conv$/;
    expect(prunedGroups(a.plan).length).toBeGreaterThan(0);
    expect(prunedGroups(b.plan).length).toBeGreaterThan(0);
    for (const id of prunedGroups(a.plan)) expect(touches(id, heavyA)).toBe(true);
    for (const id of prunedGroups(b.plan)) expect(touches(id, heavyB)).toBe(true);
    expect(prunedGroups(a.plan)).not.toEqual(prunedGroups(b.plan));
  });

  it('says so when the goal is out of reach under the rules', () => {
    const nodeMs = Object.fromEntries(weighted.map((n) => [n.name, 1]));
    const p = planPruning(graph, analysis, scores, { latency: { goalMs: 0.5, nodeMs, fixedMs: 5 } }, 'l2');
    expect(p.note).toMatch(/latency goal .* out of reach/);
    expect(p.latency!.after).toBeGreaterThan(0.5);
  });

  it('spreads a MAC target where the milliseconds are: the same MACs removed save more time', () => {
    const heavy = /^\/layer1\/conv[12]\/Conv$/;
    const msPerNode = Object.fromEntries(weighted.map((n) => [n.name, heavy.test(n.name) ? 10 : 0.5]));
    const uniform = planPruning(graph, analysis, scores, { macsTarget: 0.3 }, 'l2');
    const spread = planPruning(graph, analysis, scores, { macsTarget: 0.3, msPerNode }, 'l2');
    const before = uniform.before.macs!;
    for (const p of [uniform, spread]) {
      expect(p.after.macs!).toBeLessThanOrEqual(0.7 * before + 1e-6);
      expect(p.note).toBeUndefined();
    }
    // Not far past the MAC target: slices of 1/32 of a group.
    expect(spread.after.macs!).toBeGreaterThan(0.6 * before);
    const estimator = new CostEstimator(graph, analysis.groups, inferShapes(graph));
    const ms = (p: PrunePlan) => estimator.weighted(new Map(p.groups.map((g) => [g.id, g.prune])), msPerNode);
    expect(ms(spread)).toBeLessThan(0.9 * ms(uniform));
    // The heavy layers give up a larger share of their channels than under a uniform ratio.
    const share = (p: PrunePlan) => {
      const gs = p.groups.filter((g) => touches(g.id, heavy));
      return gs.reduce((a, g) => a + g.prune.length, 0) / gs.reduce((a, g) => a + g.channels, 0);
    };
    expect(share(spread)).toBeGreaterThan(share(uniform));
  });

  it('refuses a recipe with two targets', () => {
    expect(() =>
      planPruning(graph, analysis, scores, {
        macsTarget: 0.4,
        latency: { goalMs: 1, nodeMs: {}, fixedMs: 0 },
      }),
    ).toThrow(/exactly one of ratio, macsTarget and latency/);
  });
});

/** The seeded random-plan check shared by the property tests: mask, remove, compare in onnxruntime. */
import { analyzeChannels } from '../../src/core/analysis';
import type { TensorData } from '../../src/core/eval';
import { costModel, type Graph } from '../../src/core/graph';
import { applyMask, cloneGraph, planPruning, removeChannels, type PrunePlan } from '../../src/core/prune';
import { seededRandom } from '../helpers/model-builder';
import { relativeError, runGraph } from './helpers';

export interface PropertyResult {
  plan: PrunePlan;
  /** Masked vs removed outputs. */
  error: number;
  /** Original vs masked (pruning must change something). */
  changed: number;
  macs: { estimated: number | null; measured: number | null };
  parameters: { estimated: number; measured: number };
}

/** A random plan: random scores, and a random ratio (often 0) for each prunable group. */
export function randomPlan(graph: Graph, seed: number, maxRatio = 0.8): PrunePlan {
  const analysis = analyzeChannels(graph);
  const r = seededRandom(seed);
  const scores: Record<string, number[]> = {};
  const overrides: Record<string, number> = {};
  for (const g of analysis.groups) {
    scores[g.id] = Array.from({ length: g.channels }, () => r());
    if (g.prunable) overrides[g.id] = r() < 0.3 ? 0 : r() * maxRatio;
  }
  return planPruning(graph, analysis, scores, {
    ratio: 0,
    overrides,
    includeFirst: true,
    includeClassifier: true,
    roundTo: r() < 0.3 ? 2 : 1,
  });
}

export async function checkPlan(
  graph: Graph,
  plan: PrunePlan,
  feeds: Record<string, TensorData>,
): Promise<PropertyResult> {
  const masked = cloneGraph(graph);
  applyMask(masked, plan);
  const removed = cloneGraph(masked);
  removeChannels(removed, plan);
  const [orig, a, b] = await Promise.all([runGraph(graph, feeds), runGraph(masked, feeds), runGraph(removed, feeds)]);
  const cost = costModel(removed);
  return {
    plan,
    error: relativeError(a, b),
    changed: relativeError(orig, a),
    macs: { estimated: plan.after.macs, measured: cost.macs },
    parameters: { estimated: plan.after.parameters, measured: cost.parameters },
  };
}

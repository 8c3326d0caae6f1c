/**
 * BatchNorm re-estimation: after pruning, the statistics a BatchNormalization sees have moved; its
 * running mean and variance are recomputed on the calibration set from the pruned network's own
 * activations (the "adaptive BN" of Li et al., EagleEye, ECCV 2020), upstream BatchNorms first.
 */
import { privatizeShared } from '../apply/shared';
import type { InferenceRuntime } from '../../eval';
import type { Graph, GraphNode } from '../../graph';
import { makeTensor } from '../../onnx';
import type { PrunePlan } from '../types';
import { capture, type CalibrationBatches } from './calibration';
import { AxisMoments } from './means';
import { ownParameter } from './own-parameter';

export interface BatchNormReport {
  /** BatchNorms re-estimated, and the passes over the calibration set it took. */
  layers: number;
  passes: number;
}

/**
 * Sets every BatchNormalization's running mean and variance to the population statistics of its
 * input over `calibration`, in `pruned` (in place). BatchNorms are taken level by level (a level
 * has no BatchNorm upstream that is still to be updated), one calibration pass per level.
 * Channels a plan masked keep scale and bias 0, so their statistics do not matter. `skip` names
 * BatchNorms to leave alone: those right after a layer that least squares re-fitted to the original
 * outputs already see the original statistics, which estimate the population better than a small
 * calibration set does.
 */
export async function reestimateBatchNorm(
  runtime: InferenceRuntime,
  pruned: Graph,
  plan: PrunePlan,
  calibration: CalibrationBatches,
  options: { skip?: ReadonlySet<string> } = {},
): Promise<{ plan: PrunePlan; report: BatchNormReport }> {
  plan = privatizeShared(pruned, plan);
  const levels = batchNormLevels(pruned)
    .map((l) => l.filter((n) => !options.skip?.has(n.name)))
    .filter((l) => l.length);
  for (const level of levels) {
    const moments = new Map<GraphNode, AxisMoments>();
    const names = level.map((n) => n.inputs[0]);
    for await (const { values } of capture(runtime, pruned, names, calibration))
      for (const bn of level) {
        const t = values[bn.inputs[0]];
        let m = moments.get(bn);
        if (!m) moments.set(bn, (m = new AxisMoments(1, t.dims[1])));
        m.add(t);
      }
    for (const [bn, m] of moments) {
      const size = m.sum.length;
      const mean = new Float32Array(size);
      const variance = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        mean[i] = m.mean(i);
        variance[i] = m.variance(i);
      }
      for (const [slot, data] of [
        [3, mean],
        [4, variance],
      ] as const) {
        const owned = ownParameter(pruned, plan, bn, slot, [size]);
        if (!owned) continue;
        plan = owned.plan;
        const t = pruned.initializers.get(owned.name)!;
        pruned.replaceInitializer(owned.name, makeTensor(owned.name, t.dataType, [size], data));
      }
    }
  }
  return { plan, report: { layers: levels.reduce((s, l) => s + l.length, 0), passes: levels.length } };
}

/** BatchNorm nodes by depth: the number of BatchNorms on the longest path above each. */
function batchNormLevels(graph: Graph): GraphNode[][] {
  const depth = new Map<string, number>();
  const levels: GraphNode[][] = [];
  for (const node of graph.nodes()) {
    let d = 0;
    for (const v of node.inputs) d = Math.max(d, depth.get(v) ?? 0);
    if (node.opType === 'BatchNormalization') {
      (levels[d] ??= []).push(node);
      d++;
    }
    for (const v of node.outputs) depth.set(v, d);
  }
  return levels.filter((l) => l?.length);
}

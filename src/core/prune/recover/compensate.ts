/**
 * Compensation: a removed channel's expected contribution is folded into its consumers' bias
 * instead of being dropped.
 */
import { privatizeShared } from '../apply/shared';
import { attrFloat, type Graph } from '../../graph';
import type { InferenceRuntime } from '../../eval';
import { makeTensor, tensorData } from '../../onnx';
import { floatWeights } from '../criteria/filters';
import type { PrunePlan } from '../types';
import { capture, type CalibrationBatches } from './calibration';
import { consumerLayers, type ConsumerLayer } from './consumers';
import { AxisMoments } from './means';
import { ownParameter } from './own-parameter';

export interface CompensationReport {
  /** Consumers whose bias absorbed removed channels. */
  layers: { node: string; channels: number; maxShift: number }[];
  skipped: { node: string; why: string }[];
}

/**
 * For every consumer of pruned channels: b'_o = b_o + Σ_{i removed} μ_i · Σ_k W_{o,i,k}, where μ_i is
 * the mean of input channel i over the calibration set (and positions) in `before` — the model as
 * it was before this pruning step — and W the consumer's weights there (Σ_k over the kernel). Exact
 * for a channel that is constant (e.g. a dead ReLU or a Sigmoid of a zeroed filter), the expected
 * value otherwise; zero padding at borders is ignored. Rewrites `pruned` in place and returns the
 * plan with any bias it had to add listed as a member.
 */
export async function compensate(
  runtime: InferenceRuntime,
  before: Graph,
  pruned: Graph,
  plan: PrunePlan,
  calibration: CalibrationBatches,
): Promise<{ plan: PrunePlan; report: CompensationReport }> {
  plan = privatizeShared(pruned, plan);
  const layers = consumerLayers(pruned, plan).filter((l) => l.removed.some((s) => s.size));
  const report: CompensationReport = { layers: [], skipped: [] };
  // Conv reads channels on axis 1, Gemm and MatMul features on the last axis.
  const axisOf = new Map(layers.map((l) => [l.node.inputs[0], l.node.opType === 'Conv' ? 1 : -1]));
  const moments = new Map<string, AxisMoments>();
  for await (const { values } of capture(runtime, before, [...axisOf.keys()], calibration))
    for (const [name, a] of axisOf) {
      const t = values[name];
      const axis = a < 0 ? t.dims.length - 1 : a;
      let m = moments.get(name);
      if (!m) moments.set(name, (m = new AxisMoments(axis, t.dims[axis])));
      m.add(t);
    }
  for (const l of layers) {
    const w = floatWeights(before, l.weight);
    const m = moments.get(l.node.inputs[0]);
    if (!w || !m) {
      report.skipped.push({ node: l.node.name, why: 'weights or inputs are not float32' });
      continue;
    }
    const shift = biasShift(l, w.data, w.dims, m);
    const applied = addToBias(pruned, plan, l, shift);
    if (!applied) {
      report.skipped.push({ node: l.node.name, why: 'no bias to fold into (a MatMul without an Add)' });
      continue;
    }
    plan = applied;
    let max = 0;
    for (const v of shift) max = Math.max(max, Math.abs(v));
    report.layers.push({ node: l.node.name, channels: l.removed.reduce((s, r) => s + r.size, 0), maxShift: max });
  }
  return { plan, report };
}

/** δ_o for every output channel o. */
function biasShift(l: ConsumerLayer, w: Float32Array, dims: number[], m: AxisMoments): Float64Array {
  const outputs = dims[l.outputAxis];
  const shift = new Float64Array(outputs);
  if (l.node.opType === 'Conv') {
    const perGroupIn = dims[1];
    const rowsPer = outputs / l.groups;
    const kernel = dims.slice(2).reduce((a, b) => a * b, 1);
    for (let o = 0; o < outputs; o++) {
      const k = Math.floor(o / rowsPer);
      for (const j of l.removed[k]) {
        const mu = m.mean(k * perGroupIn + j);
        if (mu === 0) continue;
        const base = (o * perGroupIn + j) * kernel;
        let s = 0;
        for (let q = 0; q < kernel; q++) s += w[base + q];
        shift[o] += mu * s;
      }
    }
    return shift;
  }
  // Gemm / MatMul: W is [K, M] (or [M, K] with transB).
  const transposed = l.outputAxis === 0;
  const K = dims[l.inputAxis];
  const alpha = l.node.opType === 'Gemm' ? attrFloat(l.node, 'alpha', 1) : 1;
  for (const i of l.removed[0]) {
    const mu = m.mean(i) * alpha;
    if (mu === 0) continue;
    for (let o = 0; o < outputs; o++) shift[o] += mu * (transposed ? w[o * K + i] : w[i * outputs + o]);
  }
  return shift;
}

/** Adds `shift` to the layer's bias (divided by Gemm's beta), skipping the layer's own pruned outputs. */
export function addToBias(graph: Graph, plan: PrunePlan, l: ConsumerLayer, shift: Float64Array): PrunePlan | undefined {
  const target = biasSlot(graph, l);
  if (!target) return undefined;
  const owned = ownParameter(graph, plan, target.node, target.slot, [shift.length]);
  if (!owned) return undefined;
  const t = graph.initializers.get(owned.name)!;
  const data = Float32Array.from(tensorData(t) as Float32Array);
  if (data.length !== shift.length) return undefined;
  for (let o = 0; o < shift.length; o++) if (!l.prunedOutputs.has(o)) data[o] += shift[o] / target.scale;
  graph.replaceInitializer(owned.name, makeTensor(owned.name, t.dataType, t.dims.map(Number), data));
  return owned.plan;
}

/** Where a layer's bias lives: its own input 2, or the per-feature Add right after a MatMul. */
export function biasSlot(graph: Graph, l: ConsumerLayer): { node: ConsumerLayer['node']; slot: number; scale: number } | undefined {
  if (l.node.opType === 'Conv') return { node: l.node, slot: 2, scale: 1 };
  if (l.node.opType === 'Gemm') {
    const c = l.node.inputs[2];
    const cShape = c ? graph.initializers.get(c)?.dims : undefined;
    if (c && (!cShape || cShape.length !== 1)) return undefined;
    return { node: l.node, slot: 2, scale: attrFloat(l.node, 'beta', 1) };
  }
  const readers = graph.consumers(l.node.outputs[0]);
  if (readers.length === 1 && readers[0].opType === 'Add') {
    const add = readers[0];
    const slot = add.inputs[0] === l.node.outputs[0] ? 1 : 0;
    const b = graph.initializers.get(add.inputs[slot]);
    if (b && b.dims.length === 1) return { node: add, slot, scale: 1 };
  }
  return undefined;
}

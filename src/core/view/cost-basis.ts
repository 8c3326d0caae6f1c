/**
 * The costs pruning can shrink, each tied to the channel axes it scales with, so the page can
 * re-estimate parameters, MACs and bytes for any per-group channel count without the worker:
 * - a parameter's elements (and bytes) scale with the kept share of every grouped axis it has;
 * - a node's MACs scale with the kept share of its output channels and of its weight's input axis
 *   (a depthwise conv's weight has no grouped input axis, so it scales once, as it should).
 */
import { byteLengthOf, elementCount } from '../onnx';
import type { ChannelAnalysis } from '../analysis';
import { attrInt, isParameter, type Graph, type GraphNode, type ModelCost } from '../graph';
import type { CostAxis, CostBasis, CostTerm } from './types';

/** Which input of a MAC op is the weight, and which of its axes runs over input channels. */
function weightInputAxis(node: GraphNode, graph: Graph): [number, number] | undefined {
  switch (node.opType) {
    case 'Conv':
      return [1, 1];
    case 'ConvTranspose':
      return [1, 0];
    case 'Gemm':
      return [1, attrInt(node, 'transB', 0) === 1 ? 1 : 0];
    case 'MatMul': {
      const w = graph.initializers.get(resolveInitializer(graph, node.inputs[1]) ?? '');
      return w ? [1, Math.max(0, w.dims.length - 2)] : undefined;
    }
    default:
      return undefined;
  }
}

/** Follows Identity nodes back to the initializer they pass on (exporters dedupe weights this way). */
export function resolveInitializer(graph: Graph, value: string | undefined): string | undefined {
  for (let hops = 0; value && hops < 8; hops++) {
    if (graph.initializers.has(value)) return value;
    const p = graph.producer(value);
    if (!p || p.opType !== 'Identity') return undefined;
    value = p.inputs[0];
  }
  return undefined;
}

/** Builds the estimator's basis from the analysis and the cost model. */
export function buildCostBasis(graph: Graph, analysis: ChannelAnalysis, cost: ModelCost): CostBasis {
  const paramAxes = new Map<string, CostAxis[]>();
  const axisOf = new Map<string, CostAxis>();
  const tensorAxes = new Map<string, CostAxis[]>();
  analysis.groups.forEach((group, g) => {
    for (const m of group.members) {
      const key = `${m.kind}:${m.name}#${m.axis}`;
      let axis = axisOf.get(key);
      if (!axis) {
        axis = { extent: m.extent, parts: [] };
        axisOf.set(key, axis);
        const byName = m.kind === 'parameter' ? paramAxes : tensorAxes;
        byName.set(m.name, [...(byName.get(m.name) ?? []), axis]);
      }
      let indices = 0;
      for (const r of m.runs) indices += r.length * r.block;
      const part = axis.parts.find((p) => p.group === g);
      if (part) part.indices = Math.min(axis.extent, part.indices + indices);
      else axis.parts.push({ group: g, indices });
    }
  });

  const basis: CostBasis = {
    parameters: { fixed: 0, terms: [] },
    macs: { fixed: 0, terms: [] },
    bytes: { fixed: 0, terms: [] },
  };
  const add = (into: { fixed: number; terms: CostTerm[] }, base: number, axes: CostAxis[] | undefined) => {
    if (axes && axes.length) into.terms.push({ base, axes });
    else into.fixed += base;
  };
  for (const [name, t] of graph.initializers) {
    const count = elementCount(t);
    const axes = paramAxes.get(name);
    add(basis.bytes, t.rawData ? t.rawData.byteLength : byteLengthOf(t.dataType, count), axes);
    if (isParameter(graph, name)) add(basis.parameters, count, axes);
  }
  for (const node of graph.nodes()) {
    const macs = cost.nodes.get(node.id)?.macs ?? 0;
    if (macs === 0) continue;
    const axes: CostAxis[] = [...(tensorAxes.get(node.outputs[0]) ?? []).slice(0, 1)];
    const w = weightInputAxis(node, graph);
    if (w) {
      const name = resolveInitializer(graph, node.inputs[w[0]]);
      const inAxis = name ? axisOf.get(`parameter:${name}#${w[1]}`) : undefined;
      if (inAxis) axes.push(inAxis);
    }
    add(basis.macs, macs, axes);
  }
  return basis;
}

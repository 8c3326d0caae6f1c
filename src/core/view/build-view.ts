/**
 * Builds the studio's view model from a decoded graph: nodes with shapes and costs, data edges,
 * collapsed blocks, pruning groups with per-channel importance, and the live estimator's basis.
 */
import { analyzeChannels, type ChannelAnalysis } from '../analysis';
import {
  costModel,
  inferShapes,
  isParameter,
  preferredImageSize,
  symbolicInputs,
  type Graph,
  type ModelSummary,
  type ShapeInference,
} from '../graph';
import { dataTypeName, elementCount } from '../onnx';
import { formatAttribute } from './attribute-text';
import { collapseBlocks } from './blocks';
import { groupImportance } from './importance';
import type { ModelView, NodeGroupRef, ViewEdge, ViewGroup, ViewNode, ViewTensor } from './types';

/** Phases reported while building, for a progress line. */
export type ViewPhase = 'shapes' | 'costs' | 'analysis' | 'importance' | 'view';

export interface BuiltView {
  view: ModelView;
  shapes: ShapeInference;
  analysis: ChannelAnalysis;
}

/** Everything the page shows about `graph`; `summary` comes from the same decode. */
export function buildModelView(
  graph: Graph,
  summary: ModelSummary,
  onPhase: (phase: ViewPhase) => void = () => {},
): BuiltView {
  onPhase('shapes');
  const shapes = inferShapes(graph);
  onPhase('costs');
  const cost = costModel(graph, shapes);
  onPhase('analysis');
  const analysis = analyzeChannels(graph, shapes);
  onPhase('importance');
  const order = graph.nodes();
  const { blocks, blockOf } = collapseBlocks(graph, order);

  const idOfName = new Map<string, string>();
  for (const node of order) if (node.name) idOfName.set(node.name, String(node.id));
  const memberships = new Map<string, NodeGroupRef[]>();
  const groupOfTensor = new Map<string, string>();
  const groups: ViewGroup[] = analysis.groups.map((group, index) => {
    const nodeIds = new Set<string>();
    for (const m of group.members) {
      if (m.kind === 'tensor' && m.role !== 'consumer' && !groupOfTensor.has(m.name))
        groupOfTensor.set(m.name, group.id);
      const id = m.node ? idOfName.get(m.node) : undefined;
      if (!id) continue;
      nodeIds.add(id);
      const list = memberships.get(id) ?? [];
      if (!list.some((r) => r.group === group.id && r.role === m.role))
        list.push({ group: group.id, role: m.role });
      memberships.set(id, list);
    }
    return { ...group, index, importance: groupImportance(graph, group), nodeIds: [...nodeIds] };
  });

  onPhase('view');
  const tensor = (name: string): ViewTensor => {
    const type = shapes.types.get(name);
    const init = graph.initializers.get(name);
    return {
      name,
      shape: init ? init.dims.map(Number) : type?.shape ? [...type.shape] : null,
      dtype: dataTypeName(init?.dataType ?? type?.dtype ?? 0),
      constant: init !== undefined,
    };
  };
  const nodes: ViewNode[] = [];
  const edges: ViewEdge[] = [];
  for (const node of order) {
    const id = String(node.id);
    let params = 0;
    for (const v of node.inputs) {
      const init = v ? graph.initializers.get(v) : undefined;
      if (init && isParameter(graph, v)) params += elementCount(init);
    }
    const refs = memberships.get(id) ?? [];
    const outGroup = groupOfTensor.get(node.outputs[0] ?? '');
    let primary = outGroup ? refs.findIndex((r) => r.group === outGroup) : -1;
    if (primary < 0) primary = refs.findIndex((r) => r.role !== 'consumer');
    nodes.push({
      id,
      name: node.name || `${node.opType}_${id}`,
      op: node.opType,
      attrs: node.attributes.map(formatAttribute),
      inputs: node.inputs.filter((v) => v !== '').map(tensor),
      outputs: node.outputs.filter((v) => v !== '').map(tensor),
      params,
      macs: cost.nodes.get(node.id)?.macs ?? null,
      groups: refs,
      primary,
      block: blockOf.get(node.id) as string,
    });
    for (const v of node.inputs) {
      const p = v ? graph.producer(v) : undefined;
      if (p) edges.push({ source: String(p.id), target: id, tensor: v });
    }
  }

  const symbolic = symbolicInputs(graph, shapes)[0];
  const view: ModelView = {
    summary,
    inputSize: symbolic
      ? {
          input: symbolic.name,
          shape: symbolic.shape,
          preferred: preferredImageSize(graph, symbolic.shape) ?? null,
        }
      : null,
    nodes,
    edges,
    blocks,
    groups,
    analysis: {
      producerChannels: analysis.producerChannels,
      prunableProducerChannels: analysis.prunableProducerChannels,
      prunableShare: analysis.prunableShare,
      timeMs: analysis.timeMs,
    },
  };
  return { view, shapes, analysis };
}

/**
 * Channel-dependency analysis on the ONNX graph itself: one pass in topological order in which each
 * op's rule carries channel layouts from its inputs to its outputs and records who must be sliced
 * together, then an assembly of the coupled channel spaces into groups.
 *
 * Unlike Torch-Pruning's DepGraph (built from PyTorch autograd) this reads any exporter's ONNX; like
 * it, a group is the closure of "pruning this channel forces pruning that one".
 */
import { inferShapes, type Graph, type GraphNode, type ShapeInference } from '../graph';
import { assembleGroups } from './assemble';
import { followerRules } from './rules/followers';
import { joinRules } from './rules/joins';
import { producerRules } from './rules/producers';
import type { Rule } from './rules/rule';
import { shapeRules } from './rules/shape-ops';
import { AnalysisState } from './state';
import type { AnalysisOptions, ChannelAnalysis } from './types';

const RULES: Record<string, Rule> = { ...followerRules, ...joinRules, ...shapeRules, ...producerRules };

/** Ops that read only a tensor's shape or size, never its values: they couple no channels. */
const SHAPE_READERS = new Set(['Shape', 'Size']);

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Finds every group of coupled channels in `graph`, with its members, prunability and reasons.
 * `shapes` defaults to a fresh {@link inferShapes}; pass one to share it with other stages.
 */
export function analyzeChannels(
  graph: Graph,
  shapes?: ShapeInference,
  options: AnalysisOptions = {},
): ChannelAnalysis {
  const inferred = shapes ?? inferShapes(graph);
  const start = now();
  const s = new AnalysisState(graph, inferred);

  for (const input of graph.inputs) {
    const rank = s.rank(input.name);
    const channels = s.dim(input.name, 1);
    if (rank !== undefined && rank >= 2 && channels !== undefined)
      s.opaque(
        input.name,
        channels,
        1,
        rank,
        'graph-input',
        `Channels of graph input '${input.name}' are the model's interface.`,
      );
  }

  for (const node of graph.nodes()) {
    if (!node.inputs.some((v) => s.layout(v))) {
      // Nothing traced flows in: a producer still opens its space; anything else is constant math.
      if (producerRules[node.opType] && isDefaultDomain(node)) producerRules[node.opType](s, node);
      continue;
    }
    if (SHAPE_READERS.has(node.opType)) continue;
    const rule = isDefaultDomain(node) ? RULES[node.opType] : undefined;
    if (rule) rule(s, node);
    else unsupported(s, node);
  }

  if (!options.allowOutputChange)
    for (const out of graph.outputs) {
      const l = s.layout(out.name);
      if (l)
        s.block(
          l,
          'graph-output',
          `Channels of '${out.name}' reach graph output '${out.name}', the model's interface.`,
          undefined,
          out.name,
        );
    }

  const groups = assembleGroups(s, options.minChannels ?? 2);
  const producerChannels = groups.reduce((n, g) => n + g.producerChannels, 0);
  const prunableProducerChannels = groups.reduce((n, g) => n + (g.prunable ? g.producerChannels : 0), 0);
  return {
    groups,
    producerChannels,
    prunableProducerChannels,
    prunableShare: producerChannels ? prunableProducerChannels / producerChannels : 0,
    blocked: groups.filter((g) => !g.prunable).map((g) => ({ group: g.id, reasons: g.reasons })),
    timeMs: now() - start,
  };
}

function isDefaultDomain(node: GraphNode): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

/** An op with no rule: keep every channel that touches it, conservatively. */
function unsupported(s: AnalysisState, node: GraphNode): void {
  const what = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
  const message = `Whittle does not understand op ${what}${node.name ? ` ('${node.name}')` : ''}, so the channels it touches are kept.`;
  s.blockInputs(node, 'unsupported-op', message);
  for (const y of node.outputs) {
    const rank = s.rank(y);
    const channels = y ? s.dim(y, 1) : undefined;
    if (rank !== undefined && rank >= 2 && channels !== undefined)
      s.opaque(y, channels, 1, rank, 'unsupported-op', message, node);
  }
}

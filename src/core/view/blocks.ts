/**
 * Collapses the graph into blocks for drawing: a chain such as Conv → BatchNormalization → Relu
 * becomes one box, and constant helpers (an Identity over an initializer, shape arithmetic that reads
 * no activation) fold into the block that reads them. One pass in topological order: linear time.
 */
import type { Graph, GraphNode } from '../graph';
import type { ViewBlock } from './types';

/** Ops that act channel by channel on one activation and read naturally as part of their producer. */
// prettier-ignore
const CHAIN_OPS = new Set([
  'BatchNormalization', 'InstanceNormalization', 'Relu', 'Clip', 'LeakyRelu', 'PRelu', 'Sigmoid', 'HardSigmoid',
  'HardSwish', 'Tanh', 'Elu', 'Selu', 'Celu', 'Gelu', 'Softplus', 'Mish', 'Swish', 'Dropout', 'Identity',
]);

/** Blocks in graph order, and each node's block id. */
export function collapseBlocks(
  graph: Graph,
  order: readonly GraphNode[],
): { blocks: ViewBlock[]; blockOf: Map<number, string> } {
  const live = new Set<string>(graph.inputs.map((v) => v.name));
  const constantNodes = new Set<number>();
  for (const node of order) {
    if (node.inputs.some((v) => live.has(v))) for (const v of node.outputs) live.add(v);
    else constantNodes.add(node.id);
  }

  const blockOf = new Map<number, string>();
  const blocks = new Map<string, ViewBlock>();
  const open = (node: GraphNode) => {
    const block: ViewBlock = { id: `b${node.id}`, nodes: [String(node.id)] };
    blocks.set(block.id, block);
    blockOf.set(node.id, block.id);
  };
  const join = (node: GraphNode, id: string) => {
    blocks.get(id)?.nodes.push(String(node.id));
    blockOf.set(node.id, id);
  };

  for (const node of order) {
    if (constantNodes.has(node.id)) continue;
    const data = node.inputs.filter((v) => v !== '' && live.has(v));
    const producer = data.length === 1 ? graph.producer(data[0]) : undefined;
    const chains =
      CHAIN_OPS.has(node.opType) &&
      producer !== undefined &&
      !constantNodes.has(producer.id) &&
      graph.consumers(data[0]).length === 1 &&
      !graph.isGraphOutput(data[0]);
    if (chains) join(node, blockOf.get(producer.id) as string);
    else open(node);
  }

  // Constant helpers join the block of their first reader, walking back so chains of them follow.
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    if (!constantNodes.has(node.id)) continue;
    let target: string | undefined;
    for (const v of node.outputs) {
      for (const reader of graph.consumers(v)) {
        target = blockOf.get(reader.id);
        if (target) break;
      }
      if (target) break;
    }
    if (target) join(node, target);
    else open(node);
  }

  const ordered: ViewBlock[] = [];
  const seen = new Set<string>();
  for (const node of order) {
    const id = blockOf.get(node.id) as string;
    if (!seen.has(id)) {
      seen.add(id);
      ordered.push(blocks.get(id) as ViewBlock);
    }
  }
  return { blocks: ordered, blockOf };
}

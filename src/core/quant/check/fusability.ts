/**
 * Predicts, from a QDQ graph alone, which node units onnxruntime's CPU QDQ transformer fuses into
 * integer kernels and why the others stay float. The rules follow onnxruntime's selectors
 * (onnxruntime/core/optimizer/qdq_transformer/selectors_actions/qdq_selectors.cc): every data input
 * behind a DequantizeLinear, the output read only by one QuantizeLinear (a Relu/Clip in between only
 * when the Q's range makes it redundant), matching element types, int32 biases, and for pass-through
 * ops the same scale and zero point on both sides.
 */
import { attrFloat, type Graph, type GraphNode } from '../../graph';
import { DataType, tensorData } from '../../onnx';
import { ABSORBABLE, BINARY, PASSTHROUGH, UNARY, VARIADIC, fusedName } from '../plan/op-classes';
import { clipBounds } from '../prepare/graph-util';
import type { FusionReport, FusionUnit } from '../types';

export interface FusabilityOptions {
  /**
   * Whether int8 (signed) activations may fuse into QLinearConv/QLinearMatMul: onnxruntime allows it
   * only on ARM builds; x86 and WebAssembly need uint8 activations (default false).
   */
  readonly int8Allowed?: boolean;
}

type Category = 'conv' | 'matmul' | 'gemm' | 'binary' | 'variadic' | 'unary' | 'passthrough';

function categoryOf(op: string): Category | undefined {
  if (op === 'Conv') return 'conv';
  if (op === 'MatMul') return 'matmul';
  if (op === 'Gemm') return 'gemm';
  if (BINARY.has(op)) return 'binary';
  if (VARIADIC.has(op)) return 'variadic';
  if (UNARY.has(op)) return 'unary';
  if (PASSTHROUGH.has(op)) return 'passthrough';
  return undefined;
}

const TYPE_RANGE: Partial<Record<DataType, [number, number]>> = {
  [DataType.UINT8]: [0, 255],
  [DataType.INT8]: [-128, 127],
};

/** The fusion report of a QDQ graph. */
export function checkFusability(graph: Graph, options: FusabilityOptions = {}): FusionReport {
  const int8Allowed = options.int8Allowed ?? false;
  const units: FusionUnit[] = [];
  const absorbed = new Set<string>();
  const edges = (n: GraphNode) => n.outputs.reduce((k, v) => k + (v ? graph.uses(v).length : 0), 0);
  const producesOutput = (n: GraphNode) => n.outputs.some((v) => v !== '' && graph.isGraphOutput(v));
  const isDq = (v: string) => graph.producer(v)?.opType === 'DequantizeLinear';

  /** Element type a DQ dequantizes, or a Q produces: its zero point's type (uint8 when omitted), or its input's. */
  const dqType = (dq: GraphNode): DataType | undefined => {
    const x = dq.inputs[0];
    const init = graph.initializers.get(x);
    if (init) return init.dataType;
    const q = graph.producer(x);
    return q?.opType === 'QuantizeLinear' ? qType(q) : undefined;
  };
  /**
   * Off ARM, onnxruntime first rewrites an int8 Q whose only reader is one DQ to uint8 (zero point
   * + 128, its QDQS8ToU8Transformer); an int8 Q read by several DQs stays int8.
   */
  const qType = (q: GraphNode): DataType => {
    const declared = graph.initializers.get(q.inputs[2] ?? '')?.dataType ?? DataType.UINT8;
    if (declared !== DataType.INT8 || int8Allowed) return declared;
    const readers = graph.uses(q.outputs[0]);
    const single = readers.length === 1 && graph.node(readers[0].node).opType === 'DequantizeLinear';
    return single ? DataType.UINT8 : declared;
  };
  const qZeroPoint = (q: GraphNode, zp: number | undefined): number | undefined =>
    zp !== undefined &&
    qType(q) === DataType.UINT8 &&
    graph.initializers.get(q.inputs[2] ?? '')?.dataType === DataType.INT8
      ? zp + 128
      : zp;
  const scalar = (name: string | undefined): number | undefined => {
    const t = name ? graph.initializers.get(name) : undefined;
    if (!t || t.dims.length > 1 || (t.dims.length === 1 && t.dims[0] !== 1n)) return undefined;
    return Number(tensorData(t)[0]);
  };
  const qParams = (n: GraphNode) => {
    const q = n.opType === 'QuantizeLinear' ? n : graph.producer(n.inputs[0]);
    const zp = n.inputs[2] ? scalar(n.inputs[2]) : 0;
    return { scale: scalar(n.inputs[1]), zp: q?.opType === 'QuantizeLinear' ? qZeroPoint(q, zp) : zp };
  };

  /** Whether the Q makes a Relu/Clip redundant: its integer range lies inside the activation's. */
  const redundant = (clip: GraphNode, q: GraphNode): string | undefined => {
    const { scale, zp } = qParams(q);
    const range = TYPE_RANGE[qType(q)];
    if (scale === undefined || zp === undefined || !range)
      return `the Q after ${clip.opType} '${clip.name}' has no constant scalar scale and zero point`;
    if (clip.opType === 'Relu')
      return zp === range[0]
        ? undefined
        : `Relu '${clip.name}' stays: the Q's zero point ${zp} is not the type minimum ${range[0]} (symmetric activations keep the Relu)`;
    const b = clipBounds(graph, clip);
    if (!b) return `Clip '${clip.name}' has no constant bounds`;
    const lo = Math.round(b[0] / scale) + zp;
    const hi = Math.round(b[1] / scale) + zp;
    return lo <= range[0] && hi >= range[1]
      ? undefined
      : `Clip '${clip.name}' [${b[0]}, ${b[1]}] is narrower than the Q's range`;
  };

  // A Conv/Gemm whose weight is dequantized but whose bias is a float initializer (see applyQuantization).
  const floatBias = (node: GraphNode): boolean =>
    (node.opType === 'Conv' || node.opType === 'Gemm') &&
    node.inputs.length > 2 &&
    isDq(node.inputs[0]) &&
    isDq(node.inputs[1]) &&
    graph.initializers.has(node.inputs[2]);

  const check = (node: GraphNode, cat: Category): { reason?: string; clip?: GraphNode; hasQ: boolean } => {
    const actual = node.inputs.filter((v) => v !== '');
    const dqInputs = actual.filter(isDq);
    const dqs = dqInputs.map((v) => graph.producer(v)!);
    let clip: GraphNode | undefined;
    if (edges(node) === 1) {
      const use = graph.uses(node.outputs[0])[0];
      const next = use ? graph.node(use.node) : undefined;
      if (next && ABSORBABLE.has(next.opType) && edges(next) === 1 && !producesOutput(next)) clip = next;
    }
    const tail = clip ?? node;
    const qs = graph
      .uses(tail.outputs[0])
      .map((u) => graph.node(u.node))
      .filter((n) => n.opType === 'QuantizeLinear');
    const hasQ = qs.length > 0;
    if (clip) {
      if (cat === 'passthrough')
        return { reason: `${clip.opType} '${clip.name}' sits between it and its Q`, hasQ };
      const why =
        qs.length === 1
          ? redundant(clip, qs[0])
          : `${clip.opType} '${clip.name}' is not followed by exactly one Q`;
      if (why) return { reason: why, hasQ };
    }
    const needAll =
      cat === 'conv' || cat === 'binary' || cat === 'variadic' || cat === 'gemm' || cat === 'matmul';
    const want = needAll ? actual.length : 1;
    if (cat === 'matmul' && dqs.length !== 2)
      return { reason: 'both MatMul inputs need a DequantizeLinear', hasQ };
    if (dqs.length !== want)
      return {
        reason: needAll
          ? actual.some((v) => !isDq(v) && graph.initializers.has(v))
            ? floatBias(node)
              ? 'its bias stays float (as int32 it would overflow): it runs in float'
              : 'a constant input is not quantized: it runs in float'
            : 'an input has no DequantizeLinear: it runs in float'
          : 'its input is not quantized: it runs in float',
        hasQ,
      };
    const qOptional = cat === 'gemm' || cat === 'matmul';
    if (!hasQ && !qOptional) return { reason: 'its output has no QuantizeLinear', hasQ };
    if (hasQ) {
      if (qs.length !== 1 || edges(node) !== 1)
        return { reason: 'its output is read by something besides one QuantizeLinear', hasQ };
      if (producesOutput(node)) return { reason: 'its output is a graph output', hasQ };
    }
    const tIn = dqType(dqs[0]);
    const tOut = hasQ ? qType(qs[0]) : undefined;
    if (hasQ && tIn !== tOut)
      return {
        reason: `input type ${DataType[tIn ?? 0]} differs from output type ${DataType[tOut ?? 0]}`,
        hasQ,
      };
    switch (cat) {
      case 'conv':
      case 'matmul': {
        const tW = dqType(dqs[1]);
        if (tIn === DataType.INT8 && (!int8Allowed || tW !== DataType.INT8))
          return {
            reason: `int8 activations fuse into ${fusedName(node.opType, hasQ)} only on ARM builds of onnxruntime (elsewhere only a Q read by a single DQ is converted to uint8); use uint8`,
            hasQ,
          };
        if (cat === 'conv' && dqs.length === 3 && dqType(dqs[2]) !== DataType.INT32)
          return { reason: 'the bias is not int32', hasQ };
        break;
      }
      case 'gemm': {
        if (tIn === DataType.INT8 && dqType(dqs[1]) !== DataType.INT8)
          return { reason: 'int8 A needs int8 B', hasQ };
        if (dqs.length === 3) {
          if (attrFloat(node, 'beta', 1) !== 1) return { reason: 'beta is not 1', hasQ };
          if (dqType(dqs[2]) !== DataType.INT32) return { reason: 'the bias C is not int32', hasQ };
        }
        break;
      }
      case 'binary':
      case 'variadic':
        if (dqs.some((d) => dqType(d) !== tIn))
          return { reason: 'inputs have different quantized types', hasQ };
        break;
      case 'passthrough': {
        const a = qParams(dqs[0]);
        const b = qParams(qs[0]);
        if (a.scale === undefined || a.scale !== b.scale || a.zp !== b.zp)
          return {
            reason: 'input and output scale/zero point differ (onnxruntime drops the Q/DQ only when equal)',
            hasQ,
          };
        if (node.opType === 'MaxPool' && !(a.scale > 0)) return { reason: 'scale is not positive', hasQ };
        break;
      }
    }
    return { clip, hasQ };
  };

  for (const node of graph.nodes()) {
    if (node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear') continue;
    const cat = categoryOf(node.opType);
    const touches =
      node.inputs.some((v) => v !== '' && isDq(v)) ||
      node.outputs.some(
        (v) => v !== '' && graph.uses(v).some((u) => graph.node(u.node).opType === 'QuantizeLinear'),
      );
    if (!touches || !cat) continue;
    const r = check(node, cat);
    if (r.reason) units.push({ node: node.name, opType: node.opType, fused: false, reason: r.reason });
    else {
      if (r.clip) absorbed.add(r.clip.name);
      units.push({
        node: node.name,
        opType: node.opType,
        fused: true,
        fusedAs: fusedName(node.opType, r.hasQ),
        ...(r.clip ? { absorbed: r.clip.name } : {}),
      });
    }
  }
  // Everything else touching Q/DQ runs in float between them.
  for (const node of graph.nodes()) {
    if (node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear' || categoryOf(node.opType))
      continue;
    if (absorbed.has(node.name)) continue;
    const readsDq = node.inputs.some((v) => v !== '' && isDq(v));
    const feedsQ = node.outputs.some(
      (v) => v !== '' && graph.uses(v).some((u) => graph.node(u.node).opType === 'QuantizeLinear'),
    );
    if (!readsDq && !feedsQ) continue;
    units.push({
      node: node.name,
      opType: node.opType,
      fused: false,
      reason: `onnxruntime has no QDQ rule for ${node.opType}: it runs in float${readsDq ? ' on dequantized inputs' : ''}`,
    });
  }
  const predictedOps: Record<string, number> = {};
  for (const u of units) if (u.fusedAs) predictedOps[u.fusedAs] = (predictedOps[u.fusedAs] ?? 0) + 1;
  const fused = units.filter((u) => u.fused).length;
  return { units, fused, unfused: units.length - fused, fullyFused: units.length === fused, predictedOps };
}

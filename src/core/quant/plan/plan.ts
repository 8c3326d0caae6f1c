/**
 * Plans a QDQ quantization: which activation tensors get QuantizeLinear/DequantizeLinear, which
 * initializers become int8 weights and int32 biases, and how each node takes part — laid out so
 * onnxruntime's QDQ selectors fuse each unit into an integer kernel (see `op-classes.ts`).
 */
import { attrInt, isFloatType, type Graph, type GraphNode, type ShapeInference } from '../../graph';
import { QuantError } from '../errors';
import { clipBounds, floatInitializer, soleConsumer } from '../prepare/graph-util';
import { findDecodingTail } from './decoding-tail';
import {
  DEFAULT_SCHEME,
  type ActivationQuant,
  type BiasQuant,
  type NodeRole,
  type PlanOptions,
  type QuantPlan,
  type WeightQuant,
} from '../types';
import {
  ABSORBABLE,
  BINARY,
  DEFAULT_OP_TYPES,
  PASSTHROUGH,
  UNARY,
  VARIADIC,
  WEIGHTED,
  WEIGHT_ONLY,
} from './op-classes';

/**
 * The plan for `graph` (prepared: opset ≥ 13, BN folded, nodes named). `shapes` gives dtypes, so only
 * float tensors are quantized. A node is quantized when its inputs allow it (e.g. Add of two
 * activations, Conv with an initializer weight); pass-through ops join when their input is quantized.
 * A Relu or Clip right after a quantized op is absorbed: its output is quantized instead, with uint8
 * zero point 0, which lets onnxruntime drop it (int8 symmetric activations cannot, so there it is kept).
 */
export function planQuantization(graph: Graph, shapes: ShapeInference, options: PlanOptions = {}): QuantPlan {
  const scheme = {
    activations: options.activations ?? DEFAULT_SCHEME.activations,
    perChannel: options.perChannel ?? DEFAULT_SCHEME.perChannel,
  };
  const opTypes = new Set(options.opTypes ?? DEFAULT_OP_TYPES);
  const requested = new Set(options.exclude ?? []);
  const names = new Set(graph.nodes().map((n) => n.name));
  for (const e of requested) if (!names.has(e)) throw new QuantError(`No node named '${e}' to exclude.`);

  const activations = new Map<string, ActivationQuant>();
  const weights: (WeightQuant & { name: string })[] = [];
  const biases: (BiasQuant & { name: string })[] = [];
  const roles = new Map<string, NodeRole>();
  const isFloat = (v: string) => v !== '' && isFloatType(shapes.types.get(v)?.dtype ?? 0);
  const kept =
    options.keepDecodingFloat === false ? new Map<string, string>() : findDecodingTail(graph, isFloat);
  for (const n of requested) kept.delete(n);
  const excluded = new Set([...requested, ...kept.keys()]);
  const isActivation = (v: string) => isFloat(v) && !graph.initializers.has(v);
  const isWeight = (v: string) => v !== '' && floatInitializer(graph, v) !== undefined;
  const mark = (v: string, q: ActivationQuant = {}) => {
    if (!activations.has(v)) activations.set(v, q);
  };

  /** The tensor to put the Q on: the op's output, or the output of a Relu/Clip it can absorb. */
  const outputOf = (node: GraphNode): string => {
    const out = node.outputs[0];
    const next = soleConsumer(graph, out);
    if (!next || !ABSORBABLE.has(next.opType) || excluded.has(next.name) || !opTypes.has(node.opType))
      return out;
    if (scheme.activations === 'int8') return out; // zero point 0 is not int8's minimum: the Relu must stay
    if (next.opType === 'Clip') {
      const bounds = clipBounds(graph, next);
      if (!bounds || bounds[0] !== 0) return out;
      roles.set(next.name, 'absorbed');
      mark(next.outputs[0], { clip: [bounds[0], bounds[1]] });
      return next.outputs[0];
    }
    roles.set(next.name, 'absorbed');
    mark(next.outputs[0], { clip: [0, Infinity] });
    return next.outputs[0];
  };

  const weightAxis = (node: GraphNode, rank: number): number | undefined => {
    if (!scheme.perChannel) return undefined;
    if (node.opType === 'Conv') return 0;
    if (node.opType === 'ConvTranspose') return 1;
    if (node.opType === 'Gemm') return attrInt(node, 'transB', 0) === 1 ? 0 : 1;
    return rank - 1; // MatMul: output columns are the weight's last axis
  };

  const planWeighted = (node: GraphNode): void => {
    const [x, w, b] = node.inputs;
    if (!isActivation(x)) return;
    const wIsInit = isWeight(w);
    if (!wIsInit && !isActivation(w)) return;
    if (node.opType === 'Conv' && !wIsInit) return;
    if (node.opType === 'Gemm' && attrInt(node, 'transA', 0) !== 0 && !wIsInit) return;
    if (b && node.opType !== 'MatMul' && !isWeight(b)) return; // a computed bias cannot become int32
    roles.set(node.name, 'quantized');
    mark(x);
    if (wIsInit) {
      const rank = graph.initializers.get(w)?.dims.length ?? 0;
      weights.push({
        name: w,
        node: node.name,
        input: 1,
        axis: rank >= 1 ? weightAxis(node, rank) : undefined,
      });
    } else mark(w);
    if (b) biases.push({ name: b, node: node.name, input: 2, activation: x, weight: w });
    const out = outputOf(node);
    // Conv and MatMul need a Q to fuse; Gemm fuses without one (QGemm with float output), so its
    // output is quantized only when a reader asks. A graph output keeps its float precision.
    if (node.opType === 'Gemm' && out === node.outputs[0]) return;
    if (node.opType === 'MatMul' && graph.isGraphOutput(out)) return;
    mark(out);
  };

  const planNode = (node: GraphNode): void => {
    if (excluded.has(node.name) || !opTypes.has(node.opType) || roles.has(node.name)) return;
    const op = node.opType;
    if (WEIGHTED.has(op)) return planWeighted(node);
    if (WEIGHT_ONLY.has(op)) {
      const w = node.inputs[1];
      if (!isWeight(w)) return;
      roles.set(node.name, 'weight-only');
      const rank = graph.initializers.get(w)?.dims.length ?? 0;
      weights.push({
        name: w,
        node: node.name,
        input: 1,
        axis: rank >= 2 ? weightAxis(node, rank) : undefined,
      });
      return;
    }
    const data = node.inputs.filter((v) => v !== '');
    if (BINARY.has(op) || VARIADIC.has(op)) {
      if (!data.every(isActivation)) return;
      roles.set(node.name, 'quantized');
      data.forEach((v) => mark(v));
      mark(outputOf(node));
      return;
    }
    if (UNARY.has(op)) {
      if (!isActivation(node.inputs[0])) return;
      roles.set(node.name, 'quantized');
      mark(node.inputs[0]);
      mark(outputOf(node));
      return;
    }
    if (PASSTHROUGH.has(op)) {
      const x = node.inputs[0];
      if (!activations.has(x) || !isFloat(node.outputs[0])) return;
      roles.set(node.name, 'passthrough');
      // A reader may have asked for this tensor first; onnxruntime only drops the Q/DQ when the
      // parameters equal the input's, so sharing wins.
      activations.set(node.outputs[0], { shareWith: x });
    }
  };

  // Pass-through ops join when some later node quantizes their input: iterate to a fixed point.
  for (let before = -1; before !== activations.size + roles.size;) {
    before = activations.size + roles.size;
    for (const node of graph.nodes()) planNode(node);
  }

  return {
    scheme,
    activations: Object.fromEntries(activations),
    weights,
    biases,
    nodes: Object.fromEntries(roles),
    excluded: [...requested],
    kept: Object.fromEntries(kept),
  };
}

/** Tensors whose range calibration must measure (those not sharing another's parameters). */
export function calibrationTensors(plan: QuantPlan): string[] {
  return Object.entries(plan.activations)
    .filter(([, q]) => q.shareWith === undefined)
    .map(([name]) => name);
}

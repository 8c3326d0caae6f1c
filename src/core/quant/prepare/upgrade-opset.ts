/**
 * Upgrades a model's default-domain opset to 13, the first where DequantizeLinear takes an `axis`
 * (per-channel weights). Ops whose form changed between the source opset and 13 are rewritten
 * (attributes that became inputs, Upsample → Resize, the Softmax family's axis semantics); ops known
 * unchanged pass; anything else is refused with the op's name, so the model is never silently wrong.
 */
import {
  attrFloat,
  attrInt,
  attrInts,
  attrString,
  inferShapes,
  type Graph,
  type GraphNode,
} from '../../graph';
import { QuantError } from '../errors';
import { DataType, makeAttribute } from '../../onnx';
import { addConstant, copyGraph, defaultOpset, floatScalar, int64Constant } from './graph-util';

export const TARGET_OPSET = 13;

/** Ops whose every version from 7 to 13 computes the same thing from the same inputs and attributes. */
const UNCHANGED = new Set(
  (
    'Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization Cast Ceil ' +
    'Concat ConstantOfShape Conv ConvTranspose Cos Cosh CumSum DepthToSpace Div Einsum Elu Equal Erf Exp ' +
    'Expand EyeLike Flatten Floor Gather GatherElements GatherND Gemm GlobalAveragePool GlobalLpPool ' +
    'GlobalMaxPool Greater GreaterOrEqual HardSigmoid Identity InstanceNormalization IsInf IsNaN LRN ' +
    'LeakyRelu Less LessOrEqual Log LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxRoiPool ' +
    'MaxUnpool Mean Min Mod Mul Neg NonMaxSuppression NonZero Not OneHot Or PRelu Pow RandomNormal ' +
    'RandomNormalLike RandomUniform RandomUniformLike Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ' +
    'ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSumSquare Relu Reshape RoiAlign Round ' +
    'ScatterElements ScatterND Selu Shape Shrink Sigmoid Sign Sin Sinh Size Softplus Softsign SpaceToDepth ' +
    'Sqrt Sub Sum Tan Tanh ThresholdedRelu Tile Transpose Trilu Where Xor Constant QuantizeLinear DequantizeLinear'
  ).split(' '),
);

type Rewrite = (graph: Graph, node: GraphNode, from: number) => void;

/** Rewrites keyed by op type; each applies only when the source opset predates the change. */
const REWRITES: Record<string, Rewrite> = {
  Clip: (g, n, from) => {
    if (from >= 11) return;
    const min = attrFloat(n, 'min', -3.4028234663852886e38);
    const max = attrFloat(n, 'max', 3.4028234663852886e38);
    dropAttrs(g, n, ['min', 'max']);
    setInputs(g, n, [
      n.inputs[0],
      floatScalar(g, `${n.name}_min`, min),
      floatScalar(g, `${n.name}_max`, max),
    ]);
  },
  Slice: (g, n, from) => {
    if (from >= 10) return;
    const starts = attrInts(n, 'starts') ?? [];
    const ends = attrInts(n, 'ends') ?? [];
    const axes = attrInts(n, 'axes') ?? starts.map((_, i) => i);
    dropAttrs(g, n, ['starts', 'ends', 'axes']);
    setInputs(g, n, [
      n.inputs[0],
      int64Constant(g, `${n.name}_starts`, starts),
      int64Constant(g, `${n.name}_ends`, ends),
      int64Constant(g, `${n.name}_axes`, axes),
    ]);
  },
  Squeeze: (g, n, from) => axesToInput(g, n, from),
  Unsqueeze: (g, n, from) => axesToInput(g, n, from),
  ReduceSum: (g, n, from) => axesToInput(g, n, from),
  Split: (g, n, from) => {
    if (from >= 13) return;
    const split = attrInts(n, 'split');
    if (!split) return;
    dropAttrs(g, n, ['split']);
    setInputs(g, n, [n.inputs[0], int64Constant(g, `${n.name}_split`, split)]);
  },
  Pad: (g, n, from) => {
    if (from >= 11) return;
    const mode = attrString(n, 'mode', 'constant');
    const pads = attrInts(n, 'pads') ?? attrInts(n, 'paddings') ?? [];
    const value = attrFloat(n, 'value', 0);
    dropAttrs(g, n, ['pads', 'paddings', 'value']);
    const inputs = [n.inputs[0], int64Constant(g, `${n.name}_pads`, pads)];
    if (mode === 'constant') inputs.push(floatScalar(g, `${n.name}_value`, value));
    setInputs(g, n, inputs);
  },
  Dropout: (g, n) => {
    // Inference: Dropout is the identity (its mask output must be unused).
    if (n.outputs.slice(1).some((o) => o !== '' && (g.consumers(o).length > 0 || g.isGraphOutput(o))))
      throw new QuantError(
        `Dropout '${n.name}' has its mask output in use; it cannot be removed for inference.`,
      );
    g.bypassNode(n.id);
  },
  BatchNormalization: (g, n, from) => {
    if (from < 9 && attrInt(n, 'spatial', 1) !== 1)
      throw new QuantError(`BatchNormalization '${n.name}' uses spatial=0, which opset 13 cannot express.`);
    dropAttrs(g, n, ['spatial', 'is_test', 'consumed_inputs']);
    if (n.outputs.length > 1 && n.outputs.slice(1).some((o) => o !== ''))
      throw new QuantError(`BatchNormalization '${n.name}' is in training mode (several outputs).`);
  },
  Upsample: (g, n, from) => {
    const mode = attrString(n, 'mode', 'nearest');
    let scales = n.inputs[1];
    if (from < 9) scales = floatConstants(g, `${n.name}_scales`, attrFloats(n, 'scales'));
    resizeFrom(g, n, mode, scales);
  },
  Resize: (g, n, from) => {
    if (from >= 11) return;
    resizeFrom(g, n, attrString(n, 'mode', 'nearest'), n.inputs[1]);
  },
  Softmax: (g, n, from) => softmaxAxis(g, n, from),
  LogSoftmax: (g, n, from) => softmaxAxis(g, n, from),
  Hardmax: (g, n, from) => softmaxAxis(g, n, from),
};

function attrFloats(n: GraphNode, name: string): number[] {
  return n.attributes.find((a) => a.name === name)?.floats ?? [];
}

function floatConstants(g: Graph, base: string, values: number[]): string {
  return addConstant(g, base, DataType.FLOAT, [values.length], new Float32Array(values));
}

/** Replaces node `n` by the nodes `build` adds, which write `tmp`; `tmp` then takes n's output name. */
function replaceOutput(g: Graph, n: GraphNode, tmp: string): void {
  const out = n.outputs[0];
  g.replaceAllUses(out, tmp);
  g.removeNode(n.id);
  g.renameValue(tmp, out);
}

function dropAttrs(g: Graph, n: GraphNode, names: string[]): void {
  for (const a of names) g.setAttribute(n.id, a, undefined);
}

/** Replaces all inputs of a node (extra old inputs are cut to ''). */
function setInputs(g: Graph, n: GraphNode, inputs: string[]): void {
  const old = n.inputs.length;
  inputs.forEach((v, i) => g.setNodeInput(n.id, i, v));
  for (let i = inputs.length; i < old; i++) g.setNodeInput(n.id, i, '');
}

function axesToInput(g: Graph, n: GraphNode, from: number): void {
  if (from >= 13) return;
  const axes = attrInts(n, 'axes');
  if (!axes) return;
  dropAttrs(g, n, ['axes']);
  setInputs(g, n, [n.inputs[0], int64Constant(g, `${n.name}_axes`, axes)]);
}

/** Upsample / Resize-10 semantics (asymmetric coordinates, nearest rounds down) as Resize-13. */
function resizeFrom(g: Graph, n: GraphNode, mode: string, scales: string): void {
  const spec = {
    opType: 'Resize',
    name: n.name,
    inputs: [n.inputs[0], '', scales],
    outputs: [...n.outputs],
    attributes: [
      makeAttribute('mode', mode === 'bilinear' ? 'linear' : mode),
      makeAttribute('coordinate_transformation_mode', 'asymmetric'),
      makeAttribute('nearest_mode', 'floor'),
    ],
  };
  const tmp = g.uniqueName(`${n.outputs[0]}_resized`);
  g.addNode({ ...spec, name: `${n.name}_resize`, outputs: [tmp] });
  replaceOutput(g, n, tmp);
}

/**
 * Before 13 the Softmax family flattened the input to 2-D at `axis` (default 1); from 13 it works
 * along one axis (default −1). Equal when the axis is the last one; otherwise rewritten as
 * Flatten(axis) → op(−1) → Reshape to the input's shape.
 */
function softmaxAxis(g: Graph, n: GraphNode, from: number): void {
  if (from >= 13) return;
  const axis = attrInt(n, 'axis', 1);
  const rank = inferShapes(g).types.get(n.inputs[0])?.shape?.length;
  if (rank !== undefined && (axis === -1 || axis === rank - 1)) {
    g.setAttribute(n.id, 'axis', makeAttribute('axis', BigInt(-1)));
    return;
  }
  const x = n.inputs[0];
  const flat = g.uniqueName(`${x}_flat2d`);
  const shape = g.uniqueName(`${x}_shape`);
  g.addNode({
    opType: 'Flatten',
    name: `${n.name}_flatten`,
    inputs: [x],
    outputs: [flat],
    attributes: [makeAttribute('axis', BigInt(axis))],
  });
  g.addNode({ opType: 'Shape', name: `${n.name}_shape`, inputs: [x], outputs: [shape] });
  const out = n.outputs[0];
  const inner = g.uniqueName(`${out}_2d`);
  g.addNode({
    opType: n.opType,
    name: `${n.name}_2d`,
    inputs: [flat],
    outputs: [inner],
    attributes: [makeAttribute('axis', BigInt(-1))],
  });
  const reshaped = g.uniqueName(`${out}_nd`);
  g.addNode({ opType: 'Reshape', name: `${n.name}_reshape`, inputs: [inner, shape], outputs: [reshaped] });
  replaceOutput(g, n, reshaped);
}

/**
 * A copy of `graph` at opset 13 (a graph already at ≥ 13 is copied unchanged). Throws
 * {@link QuantError} naming the first op it cannot carry over.
 */
export function upgradeOpset(graph: Graph): Graph {
  const from = defaultOpset(graph);
  if (from >= TARGET_OPSET) return copyGraph(graph);
  if (from < 7)
    throw new QuantError(
      `Opset ${from} predates numpy broadcasting (opset 7); re-export the model at opset ≥ 7.`,
    );
  const g = copyGraph(graph);
  const refused = new Set<string>();
  for (const n of g.nodes()) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') continue;
    if (!REWRITES[n.opType] && !UNCHANGED.has(n.opType)) refused.add(n.opType);
  }
  if (refused.size > 0)
    throw new QuantError(
      `Cannot upgrade opset ${from} to ${TARGET_OPSET}: no rewrite for ${[...refused].sort().join(', ')}; re-export the model at opset ≥ ${TARGET_OPSET}.`,
    );
  for (const n of g.nodes()) {
    if (!g.hasNode(n.id)) continue;
    if (n.domain !== '' && n.domain !== 'ai.onnx') continue;
    REWRITES[n.opType]?.(g, n, from);
  }
  return copyGraph(g, TARGET_OPSET);
}

/** Conv, ConvTranspose and pooling: sliding-window output sizes. */
import { DataType } from '../../onnx/types';
import { attrInt, attrInts, attrString } from '../attributes';
import { InvalidModelError } from '../errors';
import type { SymbolTable } from '../symbols';
import type { Dim, GraphNode } from '../types';
import { one, withInputs, type InferContext, type InferRule } from './context';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
}

function windowAttrs(node: GraphNode, spatial: number, kernel: number[]): Window {
  return {
    kernel,
    strides: attrInts(node, 'strides') ?? new Array(spatial).fill(1),
    dilations: attrInts(node, 'dilations') ?? new Array(spatial).fill(1),
    pads: attrInts(node, 'pads') ?? new Array(2 * spatial).fill(0),
    autoPad: attrString(node, 'auto_pad', 'NOTSET'),
  };
}

/** Output spatial dims of a conv or pool: floor((x + pads − d·(k−1) − 1) / s) + 1 (ceil with ceil_mode). */
function slide(x: Dim[], w: Window, ceil: number, symbols: SymbolTable): Dim[] {
  return x.map((d, i) => {
    const kEff = w.dilations[i] * (w.kernel[i] - 1) + 1;
    const s = w.strides[i];
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return symbols.derive('ceildiv', d, s);
    if (w.autoPad === 'VALID') return symbols.derive('window', d, kEff, s, 0, 0, ceil);
    return symbols.derive('window', d, kEff, s, w.pads[i], w.pads[i + x.length], ceil);
  });
}

/**
 * Refuses a convolution whose `group` cannot split its channels: onnxruntime will not load it, and
 * channel analysis would cut it wrongly. `weightIn` is the weight dim that holds the input channels
 * divided by group: `weightIn` 1 for Conv ([M, C/group, …]), 0 for ConvTranspose ([C, M/group, …]).
 */
function checkGroups(ctx: InferContext, x: Dim[] | undefined, w: Dim[] | undefined, weightIn: 0 | 1): void {
  const { node } = ctx;
  const group = attrInt(node, 'group', 1);
  const fail = (problem: string): never => {
    throw new InvalidModelError(`${node.opType} '${node.name}' ${problem}.`);
  };
  if (!Number.isInteger(group) || group < 1) fail(`has group ${group}; it must be a positive integer`);
  if (!w || w.length < 2) return;
  const out = weightIn === 1 ? w[0] : undefined;
  if (typeof out === 'number' && out % group !== 0)
    fail(`has group ${group}, which does not divide its ${out} output channels`);
  const wIn = w[weightIn];
  const channels = x?.[1];
  if (typeof wIn !== 'number' || typeof channels !== 'number') return;
  const expected = weightIn === 1 ? wIn * group : wIn;
  if (weightIn === 0 && wIn % group !== 0)
    fail(`has group ${group}, which does not divide its ${wIn} input channels`);
  if (channels !== expected)
    fail(
      `reads ${channels} input channels, but its weight [${w.join(', ')}] with group ${group} takes ${expected}`,
    );
}

const conv: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const wShape = ctx.shape(1);
  checkGroups(ctx, x, wShape, 1);
  if (!x || x.length < 3) return one(ctx.dtype(0), undefined);
  const spatial = x.length - 2;
  const kernel =
    attrInts(ctx.node, 'kernel_shape') ??
    (wShape?.slice(2).every((d) => typeof d === 'number') ? (wShape.slice(2) as number[]) : undefined);
  const cout: Dim = wShape ? wShape[0] : ctx.symbols.fresh();
  if (!kernel) return one(ctx.dtype(0), [x[0], cout, ...x.slice(2).map(() => ctx.symbols.fresh())]);
  return one(ctx.dtype(0), [
    x[0],
    cout,
    ...slide(x.slice(2), windowAttrs(ctx.node, spatial, kernel), 0, ctx.symbols),
  ]);
};

/** ConvTranspose: out = s·(x−1) + output_padding + d·(k−1) + 1 − pads, or `output_shape` when given. */
const convTranspose: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const wShape = ctx.shape(1);
  checkGroups(ctx, x, wShape, 0);
  if (!x || x.length < 3) return one(ctx.dtype(0), undefined);
  const spatial = x.length - 2;
  const group = attrInt(ctx.node, 'group', 1);
  const cout: Dim = wShape ? ctx.symbols.derive('mul', wShape[1], group) : ctx.symbols.fresh();
  const kernel = attrInts(ctx.node, 'kernel_shape') ?? (wShape?.slice(2) as number[] | undefined);
  const outputShape = attrInts(ctx.node, 'output_shape');
  if (outputShape) return one(ctx.dtype(0), [x[0], cout, ...outputShape.slice(-spatial)]);
  if (!kernel || kernel.some((k) => typeof k !== 'number'))
    return one(ctx.dtype(0), [x[0], cout, ...x.slice(2).map(() => ctx.symbols.fresh())]);
  const w = windowAttrs(ctx.node, spatial, kernel);
  const outPad = attrInts(ctx.node, 'output_padding') ?? new Array(spatial).fill(0);
  const dims = x.slice(2).map((d, i) => {
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER')
      return ctx.symbols.derive('mul', d, w.strides[i]);
    const kEff = w.dilations[i] * (kernel[i] - 1) + 1;
    const padTotal = w.autoPad === 'VALID' ? 0 : w.pads[i] + w.pads[i + spatial];
    return ctx.symbols.derive('deconv', d, w.strides[i], kEff, outPad[i], padTotal);
  });
  return one(ctx.dtype(0), [x[0], cout, ...dims]);
};

function pool(ctx: InferContext): ReturnType<InferRule> {
  const x = ctx.shape(0);
  const kernel = attrInts(ctx.node, 'kernel_shape');
  const dtype = ctx.dtype(0) ?? DataType.UNDEFINED;
  if (!x || !kernel) return [{ dtype }, { dtype: DataType.INT64 }];
  const w = windowAttrs(ctx.node, kernel.length, kernel);
  const shape = [...x.slice(0, 2), ...slide(x.slice(2), w, attrInt(ctx.node, 'ceil_mode', 0), ctx.symbols)];
  // MaxPool's optional second output holds int64 indices of the same shape.
  return [
    { dtype, shape },
    { dtype: DataType.INT64, shape: [...shape] },
  ];
}

const globalPool: InferRule = (ctx) => {
  const x = ctx.shape(0);
  return one(ctx.dtype(0), x && [...x.slice(0, 2), ...x.slice(2).map(() => 1)]);
};

export const convRules: Record<string, InferRule> = {
  Conv: conv,
  ConvInteger: (ctx) => conv(ctx).map((t) => t && { ...t, dtype: DataType.INT32 }),
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};

/** QLinearConv: Conv over inputs x (0) and w (3); the output type is y_zero_point's (uint8 default). */
convRules.QLinearConv = (ctx) =>
  conv(withInputs(ctx, [0, 3])).map((t) => t && { ...t, dtype: ctx.dtype(7) ?? DataType.UINT8 });

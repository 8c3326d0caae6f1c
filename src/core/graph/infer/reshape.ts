/** Ops that rearrange a tensor's dims: Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Expand, Tile. */
import { DataType } from '../../onnx/types';
import { attrInt, attrInts } from '../attributes';
import type { SymbolTable } from '../symbols';
import type { Dim } from '../types';
import { axisOf, broadcast, numbersOf, one, product, type InferContext, type InferRule } from './context';

/** Axes from the attribute (older opsets) or from input 1 (newer); undefined when unknown. */
export function axesOf(ctx: InferContext, inputFrom: number, slot = 1): number[] | undefined {
  if (ctx.opset < inputFrom) return attrInts(ctx.node, 'axes');
  if (!ctx.has(slot)) return attrInts(ctx.node, 'axes'); // some exporters keep the attribute
  return numbersOf(ctx.value(slot));
}

/**
 * The size a `-1` stands for: the input's element count over the other target dims, with equal
 * symbols cancelled first so `[batch, C, H, W] → [batch, -1]` gives `C·H·W` exactly.
 */
function inferredDim(input: Dim[], others: Dim[], symbols: SymbolTable): Dim {
  const num = [...input];
  const den: Dim[] = [];
  for (const d of others) {
    const i = num.indexOf(d);
    if (i >= 0) num.splice(i, 1);
    else den.push(d);
  }
  const n = product(num, symbols);
  const d = product(den, symbols);
  return symbols.derive('floordiv', n, d);
}

const reshape: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const target = ctx.opset < 5 ? attrInts(ctx.node, 'shape') : ctx.value(1)?.data;
  if (!target) {
    const len = ctx.shape(1)?.[0];
    return one(
      ctx.dtype(0),
      typeof len === 'number' ? Array.from({ length: len }, () => ctx.symbols.fresh()) : undefined,
    );
  }
  const allowZero = attrInt(ctx.node, 'allowzero', 0);
  const out: Dim[] = target.map((t, i) => (t === 0 && !allowZero ? (x?.[i] ?? ctx.symbols.fresh()) : t));
  const hole = out.indexOf(-1);
  if (hole >= 0)
    out[hole] = x
      ? inferredDim(
          x,
          out.filter((_, i) => i !== hole),
          ctx.symbols,
        )
      : ctx.symbols.fresh();
  return one(ctx.dtype(0), out);
};

const flatten: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), [ctx.symbols.fresh(), ctx.symbols.fresh()]);
  const axis = axisOf(attrInt(ctx.node, 'axis', 1), x.length);
  return one(ctx.dtype(0), [product(x.slice(0, axis), ctx.symbols), product(x.slice(axis), ctx.symbols)]);
};

const transpose: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), undefined);
  const perm = attrInts(ctx.node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  return one(
    ctx.dtype(0),
    perm.map((p) => x[p]),
  );
};

const squeeze: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), undefined);
  const given =
    ctx.opset < 13 ? attrInts(ctx.node, 'axes') : ctx.has(1) ? numbersOf(ctx.value(1)) : undefined;
  if (ctx.opset >= 13 && ctx.has(1) && !given) return one(ctx.dtype(0), undefined);
  // Without axes every size-1 dim goes; a symbolic dim is taken to be kept.
  const axes = given
    ? new Set(given.map((a) => axisOf(a, x.length)))
    : new Set(x.flatMap((d, i) => (d === 1 ? [i] : [])));
  return one(
    ctx.dtype(0),
    x.filter((_, i) => !axes.has(i)),
  );
};

const unsqueeze: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const given = axesOf(ctx, 13);
  if (!x || !given) return one(ctx.dtype(0), undefined);
  const rank = x.length + given.length;
  const axes = new Set(given.map((a) => axisOf(a, rank)));
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.has(i) ? 1 : x[k++]);
  return one(ctx.dtype(0), out);
};

const expand: InferRule = (ctx) => {
  const target = ctx.value(1)?.data;
  if (!target) return one(ctx.dtype(0), undefined);
  return one(ctx.dtype(0), broadcast([ctx.shape(0), target], ctx.symbols));
};

const tile: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const reps = ctx.value(1)?.data;
  if (!x) return one(ctx.dtype(0), undefined);
  return one(
    ctx.dtype(0),
    x.map((d, i) => (reps ? ctx.symbols.derive('mul', d, reps[i]) : ctx.symbols.fresh())),
  );
};

const depthToSpace: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const b = attrInt(ctx.node, 'blocksize', 1);
  if (!x || x.length !== 4) return one(ctx.dtype(0), undefined);
  const s = ctx.symbols;
  return one(ctx.dtype(0), [
    x[0],
    s.derive('floordiv', x[1], b * b),
    s.derive('mul', x[2], b),
    s.derive('mul', x[3], b),
  ]);
};

const spaceToDepth: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const b = attrInt(ctx.node, 'blocksize', 1);
  if (!x || x.length !== 4) return one(ctx.dtype(0), undefined);
  const s = ctx.symbols;
  return one(ctx.dtype(0), [
    x[0],
    s.derive('mul', x[1], b * b),
    s.derive('floordiv', x[2], b),
    s.derive('floordiv', x[3], b),
  ]);
};

export const reshapeRules: Record<string, InferRule> = {
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Expand: expand,
  Tile: tile,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  Shape: (ctx) => {
    const x = ctx.shape(0);
    if (!x) return one(DataType.INT64, [ctx.symbols.fresh()]);
    const r = x.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(attrInt(ctx.node, 'start', 0));
    const end = clamp(attrInt(ctx.node, 'end', r));
    return one(DataType.INT64, [Math.max(end - start, 0)]);
  },
  Size: () => one(DataType.INT64, []),
};

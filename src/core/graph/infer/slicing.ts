/** Ops that cut, join, pad, pick or resample: Concat, Split, Slice, Pad, Gather*, Resize, Upsample. */
import { attrFloats, attrInt, attrInts, attrString } from '../attributes';
import type { Dim } from '../types';
import { axisOf, numbersOf, one, type InferRule } from './context';

const concat: InferRule = (ctx) => {
  const shapes: (Dim[] | undefined)[] = [];
  for (let i = 0; i < ctx.node.inputs.length; i++) if (ctx.has(i)) shapes.push(ctx.shape(i));
  const known = shapes.filter((s): s is Dim[] => s !== undefined);
  const dtype = ctx.dtype(0) ?? ctx.dtype(1);
  if (!known.length) return one(dtype, undefined);
  const rank = known[0].length;
  const axis = axisOf(attrInt(ctx.node, 'axis', 0), rank);
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    if (k === axis) {
      out.push(
        shapes.every((s) => s) ? ctx.symbols.derive('add', ...known.map((s) => s[k])) : ctx.symbols.fresh(),
      );
      continue;
    }
    // Every input has the same size here; prefer one that is a number.
    out.push(known.map((s) => s[k]).find((d) => typeof d === 'number') ?? known[0][k]);
  }
  return one(dtype, out);
};

/** Split: sizes from the `split` attribute (< 13) or input (13+), else equal parts (ceil-sized in 18+). */
const split: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const n = ctx.node.outputs.length;
  const dtype = ctx.dtype(0);
  if (!x) return ctx.node.outputs.map(() => (dtype !== undefined ? { dtype } : undefined));
  const axis = axisOf(attrInt(ctx.node, 'axis', 0), x.length);
  const sizes =
    ctx.opset < 13 ? attrInts(ctx.node, 'split') : ctx.has(1) ? numbersOf(ctx.value(1)) : undefined;
  const s = ctx.symbols;
  const d = x[axis];
  const parts: Dim[] = [];
  if (sizes) parts.push(...sizes);
  else if (ctx.has(1) && ctx.opset >= 13) for (let i = 0; i < n; i++) parts.push(s.fresh());
  else if (ctx.opset >= 18) {
    const chunk = s.derive('ceildiv', d, n);
    for (let i = 0; i < n - 1; i++) parts.push(chunk);
    parts.push(s.derive('sub', d, s.derive('mul', chunk, n - 1)));
  } else for (let i = 0; i < n; i++) parts.push(s.derive('floordiv', d, n));
  return parts.map((p) => ({ dtype: dtype ?? 0, shape: x.map((e, k) => (k === axis ? p : e)) }));
};

/** Slice: starts/ends/axes as attributes before opset 10, as inputs 1–4 from 10 (with steps). */
const slice: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), undefined);
  const attrForm = ctx.opset < 10;
  const starts = attrForm ? attrInts(ctx.node, 'starts') : ctx.value(1)?.data;
  const ends = attrForm ? attrInts(ctx.node, 'ends') : ctx.value(2)?.data;
  const axes = attrForm ? attrInts(ctx.node, 'axes') : ctx.has(3) ? numbersOf(ctx.value(3)) : undefined;
  const steps = attrForm ? undefined : ctx.has(4) ? numbersOf(ctx.value(4)) : undefined;
  const axesUnknown = !attrForm && ctx.has(3) && !axes;
  const stepsUnknown = !attrForm && ctx.has(4) && !steps;
  if (!starts || !ends || axesUnknown || stepsUnknown) {
    if (axes)
      return one(
        ctx.dtype(0),
        x.map((d, i) => (axes.some((a) => axisOf(a, x.length) === i) ? ctx.symbols.fresh() : d)),
      );
    return one(
      ctx.dtype(0),
      x.map(() => ctx.symbols.fresh()),
    );
  }
  const out = [...x];
  starts.forEach((start, j) => {
    const axis = axisOf(axes ? axes[j] : j, x.length);
    out[axis] = ctx.symbols.derive('slice', x[axis], start, ends[j], steps ? steps[j] : 1);
  });
  return one(ctx.dtype(0), out);
};

/** Pad: `pads` attribute (< 11; `paddings` in opset 1) or input 1, optional `axes` input (18+). */
const pad: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), undefined);
  const pads =
    ctx.opset < 11 ? (attrInts(ctx.node, 'pads') ?? attrInts(ctx.node, 'paddings')) : ctx.value(1)?.data;
  if (!pads)
    return one(
      ctx.dtype(0),
      x.map(() => ctx.symbols.fresh()),
    );
  const axes = ctx.opset >= 18 && ctx.has(3) ? numbersOf(ctx.value(3)) : x.map((_, i) => i);
  if (!axes)
    return one(
      ctx.dtype(0),
      x.map(() => ctx.symbols.fresh()),
    );
  const out = [...x];
  axes.forEach((a, j) => {
    const axis = axisOf(a, x.length);
    out[axis] = ctx.symbols.derive('add', x[axis], pads[j], pads[j + axes.length]);
  });
  return one(ctx.dtype(0), out);
};

const gather: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const idx = ctx.shape(1);
  if (!x || !idx) return one(ctx.dtype(0), undefined);
  const axis = axisOf(attrInt(ctx.node, 'axis', 0), x.length);
  return one(ctx.dtype(0), [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]);
};

/** GatherND: indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
const gatherND: InferRule = (ctx) => {
  const x = ctx.shape(0);
  const idx = ctx.shape(1);
  const last = idx?.[idx.length - 1];
  if (!x || !idx || typeof last !== 'number') return one(ctx.dtype(0), undefined);
  const b = attrInt(ctx.node, 'batch_dims', 0);
  return one(ctx.dtype(0), [...idx.slice(0, -1), ...x.slice(b + last)]);
};

/**
 * Resize (scales or sizes, opset 10: scales only; 18+: `axes` and `keep_aspect_ratio_policy`) and
 * Upsample (scales attribute before 9, input after): out = floor(x · scale), or the given sizes.
 */
const resize: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), undefined);
  const isUpsample = ctx.node.opType === 'Upsample';
  let scales: number[] | undefined;
  let sizes: Dim[] | undefined;
  if (isUpsample) scales = ctx.opset < 9 ? attrFloats(ctx.node, 'scales') : numbersOf(ctx.value(1));
  else if (ctx.opset < 11) scales = numbersOf(ctx.value(1));
  else {
    const sc = ctx.has(2) ? ctx.value(2) : undefined;
    const sz = ctx.has(3) ? ctx.value(3) : undefined;
    if (sc && sc.data.length) scales = numbersOf(sc);
    else if (sz && sz.data.length) sizes = sz.data;
    else if ((ctx.has(2) && !sc) || (ctx.has(3) && !sz))
      return one(
        ctx.dtype(0),
        x.map(() => ctx.symbols.fresh()),
      );
  }
  const axes =
    (ctx.opset >= 18 && attrInts(ctx.node, 'axes')?.map((a) => axisOf(a, x.length))) || x.map((_, i) => i);
  const out = [...x];
  if (scales) axes.forEach((a, j) => (out[a] = ctx.symbols.derive('scale', x[a], scales[j])));
  else if (sizes) {
    const policy = attrString(ctx.node, 'keep_aspect_ratio_policy', 'stretch');
    const nums = sizes.every((d) => typeof d === 'number') && axes.every((a) => typeof x[a] === 'number');
    if (policy !== 'stretch' && nums) {
      const ratios = axes.map((a, j) => (sizes[j] as number) / (x[a] as number));
      const r = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (out[a] = Math.round(r * (x[a] as number))));
    } else axes.forEach((a, j) => (out[a] = sizes[j]));
  } else
    return one(
      ctx.dtype(0),
      x.map(() => ctx.symbols.fresh()),
    );
  return one(ctx.dtype(0), out);
};

export const slicingRules: Record<string, InferRule> = {
  Concat: concat,
  Split: split,
  Slice: slice,
  Pad: pad,
  Gather: gather,
  GatherElements: (ctx) => one(ctx.dtype(0), ctx.shape(1)),
  GatherND: gatherND,
  Resize: resize,
  Upsample: resize,
};

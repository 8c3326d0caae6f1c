/** Reductions and selections: Reduce*, ArgMax/ArgMin, TopK. */
import { DataType } from '../../onnx/types';
import { attrInt } from '../attributes';
import type { Dim } from '../types';
import { axisOf, numbersOf, one, type InferContext, type InferRule } from './context';
import { axesOf } from './reshape';

/** First opset in which each reduction takes `axes` as an input instead of an attribute. */
const AXES_INPUT_FROM: Record<string, number> = {
  ReduceSum: 13,
  ReduceMean: 18,
  ReduceMax: 18,
  ReduceMin: 18,
  ReduceProd: 18,
  ReduceL1: 18,
  ReduceL2: 18,
  ReduceLogSum: 18,
  ReduceLogSumExp: 18,
  ReduceSumSquare: 18,
};

function reduced(x: Dim[], axes: number[] | undefined, keep: boolean): Dim[] {
  const set = new Set((axes ?? x.map((_, i) => i)).map((a) => axisOf(a, x.length)));
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

const reduce: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(ctx.dtype(0), undefined);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  const inputForm = ctx.opset >= AXES_INPUT_FROM[ctx.node.opType];
  const axes = axesOf(ctx, AXES_INPUT_FROM[ctx.node.opType]);
  if (inputForm && ctx.has(1) && !axes)
    return one(ctx.dtype(0), keep ? x.map(() => ctx.symbols.fresh()) : undefined);
  if ((!axes || !axes.length) && inputForm && attrInt(ctx.node, 'noop_with_empty_axes', 0))
    return one(ctx.dtype(0), [...x]);
  return one(ctx.dtype(0), reduced(x, axes && axes.length ? axes : undefined, keep));
};

const argReduce: InferRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return one(DataType.INT64, undefined);
  return one(
    DataType.INT64,
    reduced(x, [attrInt(ctx.node, 'axis', 0)], attrInt(ctx.node, 'keepdims', 1) === 1),
  );
};

/** TopK: values and int64 indices, the axis cut to K (attribute `k` before opset 10, input after). */
function topK(ctx: InferContext): ReturnType<InferRule> {
  const x = ctx.shape(0);
  if (!x)
    return [ctx.dtype(0) !== undefined ? { dtype: ctx.dtype(0)! } : undefined, { dtype: DataType.INT64 }];
  const axis = axisOf(attrInt(ctx.node, 'axis', -1), x.length);
  const k = ctx.opset < 10 ? attrInt(ctx.node, 'k') : (ctx.value(1)?.data[0] ?? numbersOf(ctx.value(1))?.[0]);
  const shape = x.map((d, i) => (i === axis ? (k ?? ctx.symbols.fresh()) : d));
  return [
    { dtype: ctx.dtype(0) ?? 0, shape },
    { dtype: DataType.INT64, shape: [...shape] },
  ];
}

export const reduceRules: Record<string, InferRule> = { ArgMax: argReduce, ArgMin: argReduce, TopK: topK };
for (const op of Object.keys(AXES_INPUT_FROM)) reduceRules[op] = reduce;

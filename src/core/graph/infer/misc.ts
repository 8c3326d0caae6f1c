/** Generators and data-dependent ops: Constant, ConstantOfShape, Range, OneHot, NonZero, NMS, RoiAlign. */
import { DataType } from '../../onnx/types';
import { attrInt, attrTensor } from '../attributes';
import { constantTensor } from '../constant';
import { axisOf, one, type InferRule } from './context';

export const miscRules: Record<string, InferRule> = {
  Constant: (ctx) => {
    const t = constantTensor(ctx.node.outputs[0], ctx.node.attributes);
    return one(t?.dataType, t?.dims.map(Number));
  },
  /** Shape from input 0's contents; element type from the `value` tensor (float32 by default). */
  ConstantOfShape: (ctx) => {
    const dtype = attrTensor(ctx.node, 'value')?.dataType ?? DataType.FLOAT;
    const v = ctx.value(0);
    const len = ctx.shape(0)?.[0];
    if (v) return one(dtype, [...v.data]);
    return one(
      dtype,
      typeof len === 'number' ? Array.from({ length: len }, () => ctx.symbols.fresh()) : undefined,
    );
  },
  /** Range: max(ceil((limit − start) / delta), 0) elements. */
  Range: (ctx) => {
    const [s, l, d] = [0, 1, 2].map((i) => ctx.value(i)?.data[0]);
    const len =
      s !== undefined && l !== undefined && typeof d === 'number'
        ? ctx.symbols.derive('range', s, l, d)
        : ctx.symbols.fresh();
    return one(ctx.dtype(0), [len]);
  },
  OneHot: (ctx) => {
    const idx = ctx.shape(0);
    const depth = ctx.value(1)?.data[0];
    if (!idx) return one(ctx.dtype(2), undefined);
    const out = [...idx];
    out.splice(axisOf(attrInt(ctx.node, 'axis', -1), idx.length + 1), 0, depth ?? ctx.symbols.fresh());
    return one(ctx.dtype(2), out);
  },
  NonZero: (ctx) => one(DataType.INT64, [ctx.shape(0)?.length ?? ctx.symbols.fresh(), ctx.symbols.fresh()]),
  NonMaxSuppression: (ctx) => one(DataType.INT64, [ctx.symbols.fresh(), 3]),
  RoiAlign: (ctx) => {
    const x = ctx.shape(0);
    const rois = ctx.shape(1);
    return one(ctx.dtype(0), [
      rois?.[0] ?? ctx.symbols.fresh(),
      x?.[1] ?? ctx.symbols.fresh(),
      attrInt(ctx.node, 'output_height', 1),
      attrInt(ctx.node, 'output_width', 1),
    ]);
  },
  EyeLike: (ctx) => one(attrInt(ctx.node, 'dtype') ?? ctx.dtype(0), ctx.shape(0)),
};

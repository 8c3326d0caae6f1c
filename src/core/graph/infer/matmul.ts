/** Gemm and MatMul (numpy matmul with batch broadcasting), and their quantized forms. */
import { DataType } from '../../onnx/types';
import { attrInt } from '../attributes';
import type { SymbolTable } from '../symbols';
import type { Dim } from '../types';
import { broadcast, one, type InferRule } from './context';

/** Y = A'·B' with A' = transA ? Aᵀ : A (M×K) and B' = transB ? Bᵀ : B (K×N): Y is M×N. */
const gemm: InferRule = (ctx) => {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  const m = a && a.length === 2 ? a[attrInt(ctx.node, 'transA', 0) ? 1 : 0] : ctx.symbols.fresh();
  const n = b && b.length === 2 ? b[attrInt(ctx.node, 'transB', 0) ? 0 : 1] : ctx.symbols.fresh();
  return one(ctx.dtype(0), [m, n]);
};

/** numpy.matmul: 1-D operands are promoted and the added axis removed; batch dims broadcast. */
export function matmulShape(
  a: Dim[] | undefined,
  b: Dim[] | undefined,
  symbols: SymbolTable,
): Dim[] | undefined {
  if (!a || !b || !a.length || !b.length) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)], symbols);
  if (!batch) return undefined;
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
}

const matmul: InferRule = (ctx) => one(ctx.dtype(0), matmulShape(ctx.shape(0), ctx.shape(1), ctx.symbols));

export const matmulRules: Record<string, InferRule> = {
  Gemm: gemm,
  MatMul: matmul,
  MatMulInteger: (ctx) => one(DataType.INT32, matmulShape(ctx.shape(0), ctx.shape(1), ctx.symbols)),
  QLinearMatMul: (ctx) =>
    one(ctx.dtype(7) ?? ctx.dtype(0), matmulShape(ctx.shape(0), ctx.shape(3), ctx.symbols)),
};

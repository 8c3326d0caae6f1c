/** Gemm and MatMul (A of any rank ≥ 2 times a 2-D B, as classifiers and 1×1 projections use them). */
import { attrFloat, attrInt } from '../../graph';
import { TrainError } from '../errors';
import type { Floats, Value } from '../tensor';
import type { OpImpl } from './types';
import { reduceToShape } from './broadcast';

const gemmOp: OpImpl = {
  async forward(ctx, { node, values }) {
    const [a, b, c] = values as Value[];
    const transA = attrInt(node, 'transA', 0) === 1;
    const transB = attrInt(node, 'transB', 0) === 1;
    const alpha = attrFloat(node, 'alpha', 1);
    const beta = attrFloat(node, 'beta', 1);
    const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
    const n = transB ? b.shape[0] : b.shape[1];
    const out = ctx.alloc(m * n);
    await ctx.compute.gemm({ a: a.data, b: b.data, out, m, n, k, transA, transB, accumulate: false });
    if (alpha !== 1) for (let i = 0; i < out.length; i++) out[i] *= alpha;
    if (c) addBroadcast(out, m, n, c, beta);
    return { outputs: [{ data: out, shape: [m, n] }] };
  },
  async backward(ctx, { node, values }, _fwd, [dy], needs) {
    const [a, b, c] = values as Value[];
    if (!dy) return [];
    const transA = attrInt(node, 'transA', 0) === 1;
    const transB = attrInt(node, 'transB', 0) === 1;
    const alpha = attrFloat(node, 'alpha', 1);
    const beta = attrFloat(node, 'beta', 1);
    const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
    const n = transB ? b.shape[0] : b.shape[1];
    const grads: (Floats | undefined)[] = [];
    if (needs[0]) {
      // dA' = dY·B'ᵀ with A' = op(A); stored back in A's layout.
      const da = ctx.alloc(m * k);
      if (!transA)
        await ctx.compute.gemm({
          a: dy,
          b: b.data,
          out: da,
          m,
          n: k,
          k: n,
          transA: false,
          transB: !transB,
          accumulate: false,
        });
      else
        await ctx.compute.gemm({
          a: b.data,
          b: dy,
          out: da,
          m: k,
          n: m,
          k: n,
          transA: transB,
          transB: true,
          accumulate: false,
        });
      scale(da, alpha);
      grads[0] = da;
    }
    if (needs[1]) {
      // dB' = A'ᵀ·dY, stored in B's layout.
      const db = ctx.alloc(k * n);
      if (!transB)
        await ctx.compute.gemm({
          a: a.data,
          b: dy,
          out: db,
          m: k,
          n,
          k: m,
          transA: !transA,
          transB: false,
          accumulate: false,
        });
      else
        await ctx.compute.gemm({
          a: dy,
          b: a.data,
          out: db,
          m: n,
          n: k,
          k: m,
          transA: true,
          transB: transA,
          accumulate: false,
        });
      scale(db, alpha);
      grads[1] = db;
    }
    if (c && needs[2]) {
      const dc = reduceToShape(ctx, dy, [m, n], c.shape);
      scale(dc, beta);
      grads[2] = dc;
    }
    return grads;
  },
};

function scale(x: Floats, s: number): void {
  if (s !== 1) for (let i = 0; i < x.length; i++) x[i] *= s;
}

/** out[m×n] += beta·C with C unidirectionally broadcast ([n], [1,n], [m,1], [m,n] or a scalar). */
function addBroadcast(out: Floats, m: number, n: number, c: Value, beta: number): void {
  const [cm, cn] = c.shape.length === 2 ? c.shape : c.shape.length === 1 ? [1, c.shape[0]] : [1, 1];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) out[i * n + j] += beta * c.data[(cm === 1 ? 0 : i) * cn + (cn === 1 ? 0 : j)];
}

const matmulOp: OpImpl = {
  async forward(ctx, { node, values }) {
    const [a, b] = values as Value[];
    if (b.shape.length !== 2 || a.shape.length < 2)
      throw new TrainError(`MatMul '${node.name}': training covers A [..., K] times a 2-D B only.`);
    const k = a.shape[a.shape.length - 1];
    const m = a.data.length / k;
    const n = b.shape[1];
    const out = ctx.alloc(m * n);
    await ctx.compute.gemm({
      a: a.data,
      b: b.data,
      out,
      m,
      n,
      k,
      transA: false,
      transB: false,
      accumulate: false,
    });
    return { outputs: [{ data: out, shape: [...a.shape.slice(0, -1), n] }] };
  },
  async backward(ctx, { values }, _fwd, [dy], needs) {
    const [a, b] = values as Value[];
    if (!dy) return [];
    const k = a.shape[a.shape.length - 1];
    const m = a.data.length / k;
    const n = b.shape[1];
    const grads: (Floats | undefined)[] = [];
    if (needs[0]) {
      const da = ctx.alloc(m * k);
      await ctx.compute.gemm({
        a: dy,
        b: b.data,
        out: da,
        m,
        n: k,
        k: n,
        transA: false,
        transB: true,
        accumulate: false,
      });
      grads[0] = da;
    }
    if (needs[1]) {
      const db = ctx.alloc(k * n);
      await ctx.compute.gemm({
        a: a.data,
        b: dy,
        out: db,
        m: k,
        n,
        k: m,
        transA: true,
        transB: false,
        accumulate: false,
      });
      grads[1] = db;
    }
    return grads;
  },
};

export const linearOps: Record<string, OpImpl> = { Gemm: gemmOp, MatMul: matmulOp };

/**
 * MaxPool, AveragePool (2-D; 1-D as height 1) and GlobalAveragePool. MaxPool's backward routes each
 * output gradient to the first maximum of its window (the index saved by the forward), as PyTorch does.
 */
import { attrInt, attrInts, attrString, type GraphNode } from '../../graph';
import { TrainError } from '../errors';
import type { Value } from '../tensor';
import type { OpImpl } from './types';

interface PoolGeometry {
  n: number;
  c: number;
  ih: number;
  iw: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  /** Padded extent below and right, for count_include_pad. */
  pb: number;
  pr: number;
  dh: number;
  dw: number;
}

function poolGeometry(node: GraphNode, shape: number[]): PoolGeometry {
  const rank = shape.length - 2;
  if (rank !== 1 && rank !== 2)
    throw new TrainError(`${node.opType} '${node.name}' is ${rank}-D; training covers 1-D and 2-D only.`);
  const k = attrInts(node, 'kernel_shape') ?? [];
  const s = attrInts(node, 'strides') ?? new Array(rank).fill(1);
  const d = attrInts(node, 'dilations') ?? new Array(rank).fill(1);
  let p = attrInts(node, 'pads') ?? new Array(2 * rank).fill(0);
  const auto = attrString(node, 'auto_pad', 'NOTSET');
  const ceil = attrInt(node, 'ceil_mode', 0) === 1;
  const dims = shape.slice(2);
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    p = new Array(2 * rank);
    for (let i = 0; i < rank; i++) {
      const out = Math.ceil(dims[i] / s[i]);
      const total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - dims[i]);
      p[i] = auto === 'SAME_LOWER' ? Math.ceil(total / 2) : Math.floor(total / 2);
      p[i + rank] = total - p[i];
    }
  } else if (auto === 'VALID') p = new Array(2 * rank).fill(0);
  const out = dims.map((x, i) => {
    const span = x + p[i] + p[i + rank] - ((k[i] - 1) * d[i] + 1);
    let o = (ceil ? Math.ceil(span / s[i]) : Math.floor(span / s[i])) + 1;
    // A last window starting in the end padding is dropped (PyTorch and ORT agree).
    if (ceil && (o - 1) * s[i] >= x + p[i]) o--;
    return o;
  });
  const two = (v: number[], f: number): [number, number] => (rank === 1 ? [f, v[0]] : [v[0], v[1]]);
  const [ih, iw] = two(dims, 1);
  const [oh, ow] = two(out, 1);
  const [kh, kw] = two(k, 1);
  const [sh, sw] = two(s, 1);
  const [dh, dw] = two(d, 1);
  const [pt, pl] = two(p.slice(0, rank), 0);
  const [pb, pr] = two(p.slice(rank), 0);
  return { n: shape[0], c: shape[1], ih, iw, oh, ow, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw };
}

function outShape(x: Value, g: PoolGeometry): number[] {
  return x.shape.length === 3 ? [g.n, g.c, g.ow] : [g.n, g.c, g.oh, g.ow];
}

const maxPool: OpImpl = {
  forward(ctx, { node, values }) {
    const x = values[0] as Value;
    const g = poolGeometry(node, x.shape);
    const size = g.n * g.c * g.oh * g.ow;
    const out = ctx.alloc(size);
    const argmax = new Int32Array(size);
    for (let nc = 0; nc < g.n * g.c; nc++) {
      const xo = nc * g.ih * g.iw;
      for (let oh = 0; oh < g.oh; oh++)
        for (let ow = 0; ow < g.ow; ow++) {
          let best = -Infinity;
          let at = -1;
          for (let ki = 0; ki < g.kh; ki++) {
            const ih = oh * g.sh - g.pt + ki * g.dh;
            if (ih < 0 || ih >= g.ih) continue;
            for (let kj = 0; kj < g.kw; kj++) {
              const iw = ow * g.sw - g.pl + kj * g.dw;
              if (iw < 0 || iw >= g.iw) continue;
              const v = x.data[xo + ih * g.iw + iw];
              if (v > best || at < 0) {
                best = v;
                at = xo + ih * g.iw + iw;
              }
            }
          }
          const o = (nc * g.oh + oh) * g.ow + ow;
          out[o] = best;
          argmax[o] = at;
        }
    }
    return { outputs: [{ data: out, shape: outShape(x, g) }], saved: argmax };
  },
  backward(ctx, { values }, fwd, [dy], needs) {
    if (!dy || !needs[0]) return [];
    const dx = ctx.alloc((values[0] as Value).data.length);
    const argmax = fwd.saved as Int32Array;
    for (let o = 0; o < dy.length; o++) if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
    return [dx];
  },
};

/** Each output's window: the input positions it averages and the divisor. */
function forEachWindow(
  g: PoolGeometry,
  includePad: boolean,
  visit: (nc: number, o: number, divisor: number, each: (f: (i: number) => void) => void) => void,
): void {
  for (let nc = 0; nc < g.n * g.c; nc++) {
    const xo = nc * g.ih * g.iw;
    for (let oh = 0; oh < g.oh; oh++)
      for (let ow = 0; ow < g.ow; ow++) {
        const h0 = oh * g.sh - g.pt;
        const w0 = ow * g.sw - g.pl;
        let count = 0;
        let padded = 0;
        for (let ki = 0; ki < g.kh; ki++)
          for (let kj = 0; kj < g.kw; kj++) {
            const ih = h0 + ki * g.dh;
            const iw = w0 + kj * g.dw;
            if (ih >= 0 && ih < g.ih && iw >= 0 && iw < g.iw) count++;
            else if (ih >= -g.pt && ih < g.ih + g.pb && iw >= -g.pl && iw < g.iw + g.pr) padded++;
          }
        const divisor = includePad ? count + padded : count;
        const o = (nc * g.oh + oh) * g.ow + ow;
        visit(nc, o, divisor, (f) => {
          for (let ki = 0; ki < g.kh; ki++) {
            const ih = h0 + ki * g.dh;
            if (ih < 0 || ih >= g.ih) continue;
            for (let kj = 0; kj < g.kw; kj++) {
              const iw = w0 + kj * g.dw;
              if (iw >= 0 && iw < g.iw) f(xo + ih * g.iw + iw);
            }
          }
        });
      }
  }
}

const averagePool: OpImpl = {
  forward(ctx, { node, values }) {
    const x = values[0] as Value;
    const g = poolGeometry(node, x.shape);
    const out = ctx.alloc(g.n * g.c * g.oh * g.ow);
    const includePad = attrInt(node, 'count_include_pad', 0) === 1;
    forEachWindow(g, includePad, (_nc, o, divisor, each) => {
      let s = 0;
      each((i) => (s += x.data[i]));
      out[o] = divisor > 0 ? s / divisor : 0;
    });
    return { outputs: [{ data: out, shape: outShape(x, g) }] };
  },
  backward(ctx, { node, values }, _fwd, [dy], needs) {
    if (!dy || !needs[0]) return [];
    const x = values[0] as Value;
    const g = poolGeometry(node, x.shape);
    const dx = ctx.alloc(x.data.length);
    const includePad = attrInt(node, 'count_include_pad', 0) === 1;
    forEachWindow(g, includePad, (_nc, o, divisor, each) => {
      if (divisor === 0) return;
      const share = dy[o] / divisor;
      each((i) => (dx[i] += share));
    });
    return [dx];
  },
};

const globalAveragePool: OpImpl = {
  forward(ctx, { values }) {
    const x = values[0] as Value;
    const nc = x.shape[0] * x.shape[1];
    const inner = x.data.length / nc;
    const out = ctx.alloc(nc);
    for (let i = 0; i < nc; i++) {
      let s = 0;
      for (let j = 0; j < inner; j++) s += x.data[i * inner + j];
      out[i] = s / inner;
    }
    return { outputs: [{ data: out, shape: [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)] }] };
  },
  backward(ctx, { values }, _fwd, [dy], needs) {
    if (!dy || !needs[0]) return [];
    const x = values[0] as Value;
    const nc = x.shape[0] * x.shape[1];
    const inner = x.data.length / nc;
    const dx = ctx.alloc(x.data.length);
    for (let i = 0; i < nc; i++) {
      const g = dy[i] / inner;
      dx.fill(g, i * inner, (i + 1) * inner);
    }
    return [dx];
  },
};

export const poolOps: Record<string, OpImpl> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
};

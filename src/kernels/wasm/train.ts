// The WASM SIMD training kernels: operands copied into the arena, the AssemblyScript export run,
// results copied out. A convolution's geometry travels as a block of 16 i32s.
import type { Activation, Conv2dGeometry, Kernels, TrainKernelName } from '../api';
import * as v from '../validate';
import type { Arena } from './arena';
import type { WasmExports } from './module';

const geometryFields: (keyof Conv2dGeometry)[] = [
  'batch',
  'inChannels',
  'inHeight',
  'inWidth',
  'outChannels',
  'outHeight',
  'outWidth',
  'kernelHeight',
  'kernelWidth',
  'strideH',
  'strideW',
  'padTop',
  'padLeft',
  'dilationH',
  'dilationW',
  'groups',
];

function sizes(g: Conv2dGeometry) {
  const k = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const p = g.outHeight * g.outWidth;
  return {
    k,
    p,
    og: g.outChannels / g.groups,
    input: g.batch * g.inChannels * g.inHeight * g.inWidth,
    output: g.batch * g.outChannels * p,
    weight: g.outChannels * k,
  };
}

/** The assembly's kind code and its two parameters. */
function activationCode(a: Activation): [number, number, number] {
  if (a.kind === 'relu') return [0, 0, 0];
  if (a.kind === 'leakyRelu') return [1, a.alpha ?? 0.01, 0];
  return [2, a.min ?? -Infinity, a.max ?? Infinity];
}

export function makeTrainKernels(w: WasmExports, arena: Arena): Pick<Kernels, TrainKernelName> {
  const putGeometry = (p: number, g: Conv2dGeometry) => {
    const view = arena.i32(p, 16);
    geometryFields.forEach((f, i) => (view[i] = g[f]));
  };
  /** Resets the arena and writes g first: the assembly sizes a pass's scratch from it. */
  const geometryFirst = (g: Conv2dGeometry) => {
    const pg = arena.reset().reserve(64);
    arena.commit();
    putGeometry(pg, g);
    return pg;
  };
  return {
    async conv2dForward(a) {
      v.convForward(a);
      const s = sizes(a);
      const pg = geometryFirst(a);
      const pwork = arena.reserve(w.conv2dScratch(pg, 0));
      const px = arena.reserve(s.input * 4);
      const pw = arena.reserve(s.weight * 4);
      const pb = a.bias ? arena.reserve(a.outChannels * 4) : 0;
      const po = arena.reserve(s.output * 4);
      const pcol = arena.reserve(s.k * s.p * 4);
      const pwt = arena.reserve(s.weight * 4);
      arena.commit();
      arena.f32(px, s.input).set(a.x.subarray(0, s.input));
      arena.f32(pw, s.weight).set(a.weight.subarray(0, s.weight));
      if (a.bias) arena.f32(pb, a.outChannels).set(a.bias.subarray(0, a.outChannels));
      w.conv2dForward(pg, px, pw, pb, po, pcol, pwt, pwork);
      a.out.set(arena.f32(po, s.output));
    },

    async conv2dBackwardData(a) {
      v.convBackwardData(a);
      const s = sizes(a);
      const pg = geometryFirst(a);
      const pwork = arena.reserve(w.conv2dScratch(pg, 1));
      const pdy = arena.reserve(s.output * 4);
      const pw = arena.reserve(s.weight * 4);
      const pdx = arena.reserve(s.input * 4);
      // The stride-1 path's im2col is over dy: og·kh·kw rows of inH·inW.
      const flippedCol = s.og * a.kernelHeight * a.kernelWidth * a.inHeight * a.inWidth;
      const pcol = arena.reserve(Math.max(s.k * s.p, flippedCol) * 4);
      const pg2 = arena.reserve(64);
      const pwf = arena.reserve(s.weight * 4);
      const pwt = arena.reserve(s.weight * 4);
      arena.commit();
      arena.f32(pdy, s.output).set(a.dy.subarray(0, s.output));
      arena.f32(pw, s.weight).set(a.weight.subarray(0, s.weight));
      w.conv2dBackwardData(pg, pdy, pw, pdx, pcol, pg2, pwf, pwt, pwork);
      a.dx.set(arena.f32(pdx, s.input));
    },

    async conv2dBackwardFilter(a) {
      v.convBackwardFilter(a);
      const s = sizes(a);
      const pg = geometryFirst(a);
      const pwork = arena.reserve(w.conv2dScratch(pg, 2));
      const px = arena.reserve(s.input * 4);
      const pdy = arena.reserve(s.output * 4);
      const pdw = arena.reserve(s.weight * 4);
      arena.commit();
      arena.f32(px, s.input).set(a.x.subarray(0, s.input));
      arena.f32(pdy, s.output).set(a.dy.subarray(0, s.output));
      w.conv2dBackwardFilter(pg, px, pdy, pdw, pwork);
      a.dWeight.set(arena.f32(pdw, s.weight));
    },

    async gemm(a) {
      v.gemm(a);
      const { m, n, k } = a;
      const pa = arena.reset().reserve(m * k * 4);
      const pb = arena.reserve(k * n * 4);
      const po = arena.reserve(m * n * 4);
      const psa = arena.reserve(a.transA ? 0 : m * k * 4);
      const psb = arena.reserve(a.transB ? k * n * 4 : 0);
      arena.commit();
      arena.f32(pa, m * k).set(a.a.subarray(0, m * k));
      arena.f32(pb, k * n).set(a.b.subarray(0, k * n));
      if (a.accumulate) arena.f32(po, m * n).set(a.out.subarray(0, m * n));
      w.gemm(pa, pb, po, m, n, k, a.transA ? 1 : 0, a.transB ? 1 : 0, a.accumulate ? 1 : 0, psa, psb);
      a.out.set(arena.f32(po, m * n));
    },

    async channelSums(a) {
      v.channelSums(a);
      const n = a.outer * a.channels * a.inner;
      const pd = arena.reset().reserve(n * 4);
      const po = arena.reserve(a.channels * 4);
      arena.commit();
      arena.f32(pd, n).set(a.data.subarray(0, n));
      w.channelSums(pd, a.outer, a.channels, a.inner, po);
      a.out.set(arena.f32(po, a.channels));
    },

    async sgdUpdate(a) {
      v.sgd(a);
      const n = a.param.length;
      const pp = arena.reset().reserve(n * 4);
      const pg = arena.reserve(n * 4);
      const pv = arena.reserve(n * 4);
      arena.commit();
      arena.f32(pp, n).set(a.param);
      arena.f32(pg, n).set(a.grad.subarray(0, n));
      arena.f32(pv, n).set(a.velocity.subarray(0, n));
      w.sgdUpdate(pp, pg, pv, n, a.lr, a.momentum, a.weightDecay, a.nesterov ? 1 : 0);
      a.param.set(arena.f32(pp, n));
      a.velocity.set(arena.f32(pv, n));
    },

    async adamwUpdate(a) {
      v.adamw(a);
      const n = a.param.length;
      const pp = arena.reset().reserve(n * 4);
      const pg = arena.reserve(n * 4);
      const pm = arena.reserve(n * 4);
      const pv = arena.reserve(n * 4);
      arena.commit();
      arena.f32(pp, n).set(a.param);
      arena.f32(pg, n).set(a.grad.subarray(0, n));
      arena.f32(pm, n).set(a.m.subarray(0, n));
      arena.f32(pv, n).set(a.v.subarray(0, n));
      const c1 = 1 - a.beta1 ** a.step;
      const c2 = 1 - a.beta2 ** a.step;
      w.adamwUpdate(pp, pg, pm, pv, n, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, c1, c2);
      a.param.set(arena.f32(pp, n));
      a.m.set(arena.f32(pm, n));
      a.v.set(arena.f32(pv, n));
    },

    async batchNormForward(a) {
      v.batchNormForward(a);
      const n = a.outer * a.channels * a.inner;
      const c = a.channels;
      const px = arena.reset().reserve(n * 4);
      const po = arena.reserve(n * 4);
      const [ps, pb, pm, pv, pi] = [0, 1, 2, 3, 4].map(() => arena.reserve(c * 4));
      arena.commit();
      arena.f32(px, n).set(a.x.subarray(0, n));
      arena.f32(ps, c).set(a.scale.subarray(0, c));
      arena.f32(pb, c).set(a.bias.subarray(0, c));
      w.batchNormForward(px, ps, pb, po, pm, pv, pi, a.outer, c, a.inner, a.eps);
      a.out.set(arena.f32(po, n));
      a.mean.set(arena.f32(pm, c));
      a.variance.set(arena.f32(pv, c));
      a.invStd.set(arena.f32(pi, c));
    },

    async batchNormBackward(a) {
      v.batchNormBackward(a);
      const n = a.outer * a.channels * a.inner;
      const c = a.channels;
      const px = arena.reset().reserve(n * 4);
      const pdy = arena.reserve(n * 4);
      const pdx = a.dx ? arena.reserve(n * 4) : 0;
      const [ps, pm, pi, pds, pdb] = [0, 1, 2, 3, 4].map(() => arena.reserve(c * 4));
      const sums = arena.reserve(16);
      arena.commit();
      arena.f32(px, n).set(a.x.subarray(0, n));
      arena.f32(pdy, n).set(a.dy.subarray(0, n));
      arena.f32(ps, c).set(a.scale.subarray(0, c));
      arena.f32(pm, c).set(a.mean.subarray(0, c));
      arena.f32(pi, c).set(a.invStd.subarray(0, c));
      w.batchNormBackward(px, pdy, ps, pm, pi, pdx, pds, pdb, a.outer, c, a.inner, sums);
      if (a.dx) a.dx.set(arena.f32(pdx, n));
      a.dScale.set(arena.f32(pds, c));
      a.dBias.set(arena.f32(pdb, c));
    },

    async activationForward(a) {
      v.activationForward(a);
      const n = a.x.length;
      const px = arena.reset().reserve(n * 4);
      const po = arena.reserve(n * 4);
      arena.commit();
      arena.f32(px, n).set(a.x);
      const [kind, p, q] = activationCode(a.activation);
      w.activationForward(kind, px, po, n, p, q);
      a.out.set(arena.f32(po, n));
    },

    async activationBackward(a) {
      v.activationBackward(a);
      const n = a.x.length;
      const px = arena.reset().reserve(n * 4);
      const pdy = arena.reserve(n * 4);
      const pdx = arena.reserve(n * 4);
      arena.commit();
      arena.f32(px, n).set(a.x);
      arena.f32(pdy, n).set(a.dy.subarray(0, n));
      const [kind, p, q] = activationCode(a.activation);
      w.activationBackward(kind, px, pdy, pdx, n, p, q);
      a.dx.set(arena.f32(pdx, n));
    },
  };
}

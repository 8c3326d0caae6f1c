// Training kernels against the reference: convolution forward and both gradients on awkward
// geometries (odd sizes, groups, depthwise, strides, dilation, asymmetric padding), GEMM in all four
// transpose layouts, channel sums and optimizer steps. Each entry's scale is the same computation on
// absolute values, which bounds its f32 rounding.
import { referenceKernels as ref } from '../../src/kernels';
import type { Activation, Conv2dGeometry } from '../../src/kernels';
import { close, ok } from './check';
import { normals } from './random';
import type { KernelCase } from './suite';
import { tolerancesFor } from './tolerances';

const abs = (x: Float32Array) => x.map(Math.abs);

function geometry(
  batch: number,
  inChannels: number,
  [inHeight, inWidth]: [number, number],
  outChannels: number,
  [kernelHeight, kernelWidth]: [number, number],
  [strideH, strideW]: [number, number],
  [padTop, padLeft, padBottom, padRight]: [number, number, number, number],
  [dilationH, dilationW]: [number, number],
  groups: number,
): Conv2dGeometry {
  const outHeight =
    Math.floor((inHeight + padTop + padBottom - (kernelHeight - 1) * dilationH - 1) / strideH) + 1;
  const outWidth =
    Math.floor((inWidth + padLeft + padRight - (kernelWidth - 1) * dilationW - 1) / strideW) + 1;
  return {
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    outHeight,
    outWidth,
    kernelHeight,
    kernelWidth,
    strideH,
    strideW,
    padTop,
    padLeft,
    dilationH,
    dilationW,
    groups,
  };
}

export const GEOMETRIES: Conv2dGeometry[] = [
  geometry(2, 3, [7, 6], 5, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 1),
  geometry(1, 16, [28, 28], 16, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 1),
  geometry(3, 6, [9, 11], 9, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 3),
  geometry(2, 8, [8, 7], 8, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 8),
  geometry(1, 5, [13, 10], 7, [3, 2], [2, 3], [2, 0, 1, 1], [2, 1], 1),
  geometry(2, 12, [5, 5], 10, [1, 1], [2, 2], [0, 0, 0, 0], [1, 1], 1),
  // 4·20·20 = 1600 (image, position) pairs: the GPU's weight gradient sums it in two splits.
  geometry(4, 4, [20, 20], 6, [3, 3], [1, 1], [1, 1, 1, 1], [1, 2], 2),
  // Stride 1 with uneven padding, one side wider than the kernel reaches (the WASM data gradient
  // runs stride 1 as a flipped-kernel convolution, whose padding then goes negative).
  geometry(2, 4, [6, 9], 6, [3, 2], [1, 1], [0, 2, 2, 1], [1, 1], 2),
  // Stride 1, ≥ 4 channels per group both ways (the WASM forward and data gradient then run on
  // padded planes), dilated, the left padding past the kernel's reach.
  geometry(2, 8, [9, 10], 8, [3, 3], [1, 1], [0, 3, 1, 0], [2, 1], 2),
];

export const label = (g: Conv2dGeometry) =>
  `${g.batch}×${g.inChannels}×${g.inHeight}×${g.inWidth}→${g.outChannels} k${g.kernelHeight}×${g.kernelWidth} s${g.strideH},${g.strideW} g${g.groups}`;

const sizes = (g: Conv2dGeometry) => ({
  input: g.batch * g.inChannels * g.inHeight * g.inWidth,
  output: g.batch * g.outChannels * g.outHeight * g.outWidth,
  weight: ((g.outChannels * g.inChannels) / g.groups) * g.kernelHeight * g.kernelWidth,
});

export const trainKernelCases: KernelCase[] = [
  {
    name: 'conv2dForward (+ bias)',
    kernels: ['conv2dForward'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const g of GEOMETRIES) {
        const s = sizes(g);
        const x = normals(rng, s.input);
        const weight = normals(rng, s.weight, 0.3);
        const bias = normals(rng, g.outChannels);
        const got = new Float32Array(s.output);
        const want = new Float32Array(s.output);
        const scale = new Float32Array(s.output);
        await b.conv2dForward({ ...g, x, weight, bias, out: got });
        ref.conv2dForward({ ...g, x, weight, bias, out: want });
        ref.conv2dForward({ ...g, x: abs(x), weight: abs(weight), bias: abs(bias), out: scale });
        close(`forward ${label(g)}`, got, want, tol.f32, (i) => scale[i]);
      }
    },
  },
  {
    name: 'conv2dBackwardData',
    kernels: ['conv2dBackwardData'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const g of GEOMETRIES) {
        const s = sizes(g);
        const dy = normals(rng, s.output);
        const weight = normals(rng, s.weight, 0.3);
        const got = new Float32Array(s.input).fill(NaN);
        const want = new Float32Array(s.input);
        const scale = new Float32Array(s.input);
        await b.conv2dBackwardData({ ...g, dy, weight, dx: got });
        ref.conv2dBackwardData({ ...g, dy, weight, dx: want });
        ref.conv2dBackwardData({ ...g, dy: abs(dy), weight: abs(weight), dx: scale });
        close(`data gradient ${label(g)}`, got, want, tol.f32, (i) => scale[i] + 1e-30);
      }
    },
  },
  {
    name: 'conv2dBackwardFilter',
    kernels: ['conv2dBackwardFilter'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const g of GEOMETRIES) {
        const s = sizes(g);
        const x = normals(rng, s.input);
        const dy = normals(rng, s.output);
        const got = new Float32Array(s.weight).fill(NaN);
        const want = new Float32Array(s.weight);
        const scale = new Float32Array(s.weight);
        await b.conv2dBackwardFilter({ ...g, x, dy, dWeight: got });
        ref.conv2dBackwardFilter({ ...g, x, dy, dWeight: want });
        ref.conv2dBackwardFilter({ ...g, x: abs(x), dy: abs(dy), dWeight: scale });
        close(`weight gradient ${label(g)}`, got, want, tol.f32, (i) => scale[i] + 1e-30);
      }
    },
  },
  {
    name: 'gemm in all four layouts, overwrite and accumulate',
    kernels: ['gemm'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [m, n, k] of [
        [1, 1, 1],
        [3, 5, 7],
        [17, 33, 9],
        [64, 10, 130],
      ])
        for (const transA of [false, true])
          for (const transB of [false, true])
            for (const accumulate of [false, true]) {
              const a = normals(rng, m * k);
              const bb = normals(rng, k * n);
              const start = normals(rng, m * n);
              const got = start.slice();
              const want = start.slice();
              const scale = abs(start);
              const args = { m, n, k, transA, transB, accumulate };
              await b.gemm({ ...args, a, b: bb, out: got });
              ref.gemm({ ...args, a, b: bb, out: want });
              ref.gemm({ ...args, a: abs(a), b: abs(bb), out: scale });
              close(
                `gemm ${m}×${n}×${k} tA${+transA} tB${+transB} acc${+accumulate}`,
                got,
                want,
                tol.f32,
                (i) => scale[i],
              );
            }
    },
  },
  {
    name: 'channelSums',
    kernels: ['channelSums'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [outer, channels, inner] of [
        [1, 1, 1],
        [3, 5, 7],
        [16, 32, 49],
      ]) {
        const data = normals(rng, outer * channels * inner);
        const got = new Float32Array(channels);
        const want = new Float32Array(channels);
        const scale = new Float32Array(channels);
        await b.channelSums({ data, outer, channels, inner, out: got });
        ref.channelSums({ data, outer, channels, inner, out: want });
        ref.channelSums({ data: abs(data), outer, channels, inner, out: scale });
        close(`sums ${outer}×${channels}×${inner}`, got, want, tol.f32, (i) => scale[i]);
      }
    },
  },
  {
    name: 'batchNormForward and batchNormBackward by batch statistics',
    kernels: ['batchNormForward', 'batchNormBackward'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      // Odd inner sizes (SIMD tails), one value per channel, inner 1 (a [batch, features] BatchNorm),
      // one image, an offset mean (cancellation), channels long enough that a GPU thread sums many
      // values, and more channels than one workgroup-per-channel dispatch row holds (the GPU sums
      // short channels 256 to a workgroup, a thread each; the other sizes 2 to 256 threads each), and
      // channels as long as a 32-image ResNet stem's at 112×112 (a GPU thread sums 1568 values in f32).
      for (const [outer, channels, inner, offset] of [
        [1, 1, 1, 0],
        [3, 5, 7, 0],
        [16, 12, 49, 3],
        [4, 3, 784, -20],
        [9, 6, 1, 2],
        [1, 4, 97, -1],
        [8, 2, 4099, 3],
        [2, 65537, 1, 0],
        [32, 2, 12544, 5],
      ]) {
        const n = outer * channels * inner;
        const x = normals(rng, n).map((v) => v + offset);
        const scale = normals(rng, channels);
        const bias = normals(rng, channels);
        const dy = normals(rng, n);
        const stats = () => ({
          mean: new Float32Array(channels),
          variance: new Float32Array(channels),
          invStd: new Float32Array(channels),
        });
        const [got, want] = [stats(), stats()];
        const [outGot, outWant] = [new Float32Array(n).fill(NaN), new Float32Array(n)];
        const common = { x, scale, bias, outer, channels, inner, eps: 1e-5 };
        await b.batchNormForward({ ...common, out: outGot, ...got });
        ref.batchNormForward({ ...common, out: outWant, ...want });
        const at = `${outer}×${channels}×${inner}`;
        close(`mean ${at}`, got.mean, want.mean, tol.f32, () => Math.abs(offset) + 1);
        close(`variance ${at}`, got.variance, want.variance, tol.f32 * 10, (c) => want.variance[c] + 1);
        close(`invStd ${at}`, got.invStd, want.invStd, tol.f32 * 10, (c) => want.invStd[c]);
        const channelOf = (i: number) => Math.floor(i / inner) % channels;
        const xHat = (i: number) => Math.abs((x[i] - want.mean[channelOf(i)]) * want.invStd[channelOf(i)]);
        // out = scale·x̂ + bias, x̂ known to about (|x̂| + 1) f32 units.
        close(`normalised ${at}`, outGot, outWant, tol.f32 * 10, (i) => {
          const c = channelOf(i);
          return Math.abs(scale[c]) * (xHat(i) + 1) + Math.abs(bias[c]);
        });
        for (const withDx of [true, false]) {
          const grads = () => ({
            dScale: new Float32Array(channels),
            dBias: new Float32Array(channels),
            dx: withDx ? new Float32Array(n).fill(NaN) : undefined,
          });
          const [g, w] = [grads(), grads()];
          const back = { x, dy, scale, mean: want.mean, invStd: want.invStd, outer, channels, inner };
          await b.batchNormBackward({ ...back, ...g });
          ref.batchNormBackward({ ...back, ...w });
          // Scales: the same sums over |dy| and |dy·x̂|.
          const m = outer * inner;
          const sAbs = new Float64Array(channels);
          const sxAbs = new Float64Array(channels);
          for (let i = 0; i < n; i++) {
            const c = channelOf(i);
            sAbs[c] += Math.abs(dy[i]);
            sxAbs[c] += Math.abs(dy[i]) * xHat(i);
          }
          close(`dBias ${at}`, g.dBias, w.dBias, tol.f32, (c) => sAbs[c]);
          close(`dScale ${at}`, g.dScale, w.dScale, tol.f32 * 10, (c) => sxAbs[c] + 1e-6);
          if (g.dx && w.dx)
            close(`dx ${at}`, g.dx, w.dx, tol.f32 * 10, (i) => {
              const c = channelOf(i);
              return (
                (Math.abs(scale[c] * want.invStd[c]) / m) *
                (m * Math.abs(dy[i]) + sAbs[c] + xHat(i) * sxAbs[c])
              );
            });
        }
      }
    },
  },
  {
    name: 'activationForward and activationBackward (relu, leakyRelu, clip) with the kinks exact',
    kernels: ['activationForward', 'activationBackward'],
    async run(b, rng) {
      const activations: Activation[] = [
        { kind: 'relu' },
        { kind: 'leakyRelu', alpha: 0.1 },
        { kind: 'clip', min: 0, max: 6 },
        { kind: 'clip', min: -1 },
        { kind: 'clip', max: 6 },
        { kind: 'leakyRelu' },
      ];
      for (const n of [1, 7, 1001]) {
        // Values on the kinks (0, 6, −1) as well as between them. Within an ulp of the reference
        // (leakyRelu's slope is an f32 in WASM), so a wrong side of a kink cannot pass.
        const x = normals(rng, n, 4).map((v, i) => (i % 5 === 0 ? [0, 6, -1, -0][i % 4] : v));
        const dy = normals(rng, n);
        for (const activation of activations) {
          const [got, want] = [new Float32Array(n).fill(NaN), new Float32Array(n)];
          await b.activationForward({ activation, x, out: got });
          ref.activationForward({ activation, x, out: want });
          close(`${activation.kind} n=${n}`, got, want, 1e-6);
          const [dGot, dWant] = [new Float32Array(n).fill(NaN), new Float32Array(n)];
          await b.activationBackward({ activation, x, dy, dx: dGot });
          ref.activationBackward({ activation, x, dy, dx: dWant });
          close(`${activation.kind} gradient n=${n}`, dGot, dWant, 1e-6);
        }
      }
    },
  },
  {
    name: 'sgdUpdate (momentum, Nesterov) and adamwUpdate over three steps',
    kernels: ['sgdUpdate', 'adamwUpdate'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const n of [1, 7, 1001]) {
        const start = normals(rng, n);
        for (const nesterov of [false, true]) {
          const p = [start.slice(), start.slice()];
          const vel = [new Float32Array(n), new Float32Array(n)];
          for (let step = 0; step < 3; step++) {
            const grad = normals(rng, n);
            const common = { grad, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov };
            await b.sgdUpdate({ ...common, param: p[0], velocity: vel[0] });
            ref.sgdUpdate({ ...common, param: p[1], velocity: vel[1] });
          }
          close(`sgd n=${n} nesterov=${nesterov}`, p[0], p[1], tol.f32 * 10, (i) => Math.abs(start[i]) + 1);
        }
        const p = [start.slice(), start.slice()];
        const m = [new Float32Array(n), new Float32Array(n)];
        const v = [new Float32Array(n), new Float32Array(n)];
        for (let step = 1; step <= 3; step++) {
          const grad = normals(rng, n);
          const common = { grad, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step };
          await b.adamwUpdate({ ...common, param: p[0], m: m[0], v: v[0] });
          ref.adamwUpdate({ ...common, param: p[1], m: m[1], v: v[1] });
        }
        close(`adamw n=${n}`, p[0], p[1], tol.f32 * 10, (i) => Math.abs(start[i]) + 1e-3);
        ok(
          p[0].some((x, i) => x !== start[i]),
          'adamw moved the parameters',
        );
      }
    },
  },
];

// npm run bench:tfjs — should Whittle train on TensorFlow.js 4.22's WASM backend instead of its own
// kernels? Convolution forward, data gradient and weight gradient at every conv of fmnist-resnet8
// (batch 64), single-threaded WASM SIMD both sides, in Node. Ours takes NCHW Float32Arrays; tfjs is
// timed twice: on data already NHWC/HWIO, and from NCHW/OIHW with its own transposes both ways (what
// a user converting an NCHW graph pays). Each call includes moving operands in and the result out,
// as the training engine needs it. Interleaved rounds; p10 and median. Then every result of both
// against the reference kernels in float64 on the same data. tfjs is a devDependency for this only.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createWasmBackend, referenceKernels as ref } from '../src/kernels';
import type { Conv2dGeometry } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';
import { printTable } from './timing';

const BATCH = Number(process.env.BENCH_BATCH ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

/** fmnist-resnet8's convolutions: [in, size, out, kernel, stride, pad]. */
const LAYERS: [number, number, number, number, number, number][] = [
  [1, 28, 16, 3, 1, 1],
  [16, 28, 16, 3, 1, 1],
  [16, 28, 16, 3, 1, 1],
  [16, 28, 32, 3, 2, 1],
  [32, 14, 32, 3, 1, 1],
  [16, 28, 32, 1, 2, 0],
  [32, 14, 64, 3, 2, 1],
  [64, 7, 64, 3, 1, 1],
  [32, 14, 64, 1, 2, 0],
];

function geometry([cin, size, cout, k, stride, pad]: (typeof LAYERS)[number]): Conv2dGeometry {
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  return {
    batch: BATCH,
    inChannels: cin,
    inHeight: size,
    inWidth: size,
    outChannels: cout,
    outHeight: out,
    outWidth: out,
    kernelHeight: k,
    kernelWidth: k,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padLeft: pad,
    dilationH: 1,
    dilationW: 1,
    groups: 1,
  };
}
const label = (g: Conv2dGeometry) =>
  `${g.inChannels}×${g.inHeight}²→${g.outChannels}×${g.outHeight}² k${g.kernelHeight} s${g.strideH}`;

let seed = 2024;
function uniform(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[i] = seed / 2 ** 31 - 1;
  }
  return out;
}

/** Permutes a 4-D row-major array: out axis i is input axis perm[i]. */
function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const strides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const s = perm.map((p) => strides[p]);
  const out = new Float32Array(data.length);
  let o = 0;
  for (let a = 0; a < outShape[0]; a++)
    for (let b = 0; b < outShape[1]; b++)
      for (let c = 0; c < outShape[2]; c++)
        for (let d = 0; d < outShape[3]; d++) out[o++] = data[a * s[0] + b * s[1] + c * s[2] + d * s[3]];
  return out;
}
const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];

/** One layer's operands in both layouts. */
interface Operands {
  g: Conv2dGeometry;
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  xNhwc: Float32Array;
  wHwio: Float32Array;
  dyNhwc: Float32Array;
}

function operands(g: Conv2dGeometry): Operands {
  const x = uniform(g.batch * g.inChannels * g.inHeight * g.inWidth);
  const w = uniform(g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth);
  const dy = uniform(g.batch * g.outChannels * g.outHeight * g.outWidth);
  return {
    g,
    x,
    w,
    dy,
    xNhwc: permute(x, [g.batch, g.inChannels, g.inHeight, g.inWidth], NCHW_TO_NHWC),
    wHwio: permute(w, [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth], OIHW_TO_HWIO),
    dyNhwc: permute(dy, [g.batch, g.outChannels, g.outHeight, g.outWidth], NCHW_TO_NHWC),
  };
}

const shapes = (g: Conv2dGeometry) => ({
  x: [g.batch, g.inChannels, g.inHeight, g.inWidth],
  xNhwc: [g.batch, g.inHeight, g.inWidth, g.inChannels] as [number, number, number, number],
  w: [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth],
  wHwio: [g.kernelHeight, g.kernelWidth, g.inChannels, g.outChannels] as [number, number, number, number],
  dy: [g.batch, g.outChannels, g.outHeight, g.outWidth],
  dyNhwc: [g.batch, g.outHeight, g.outWidth, g.outChannels] as [number, number, number, number],
});

/** ONNX pads both sides alike; stride-2 convs of even sizes then leave the last row unread. */
const explicitPad = (g: Conv2dGeometry): tf.backend_util.ExplicitPadding => [
  [0, 0],
  [g.padTop, g.padTop],
  [g.padLeft, g.padLeft],
  [0, 0],
];

type Pass = 'forward' | 'data gradient' | 'weight gradient';
const PASSES: Pass[] = ['forward', 'data gradient', 'weight gradient'];

/**
 * tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter (tfjs-core's Conv2D gradient calls it),
 * so a weight gradient there needs a detour through kernels it has: per kernel tap, a strided
 * slice of the padded input times dy (one matMul), the taps stacked. Set once the direct kernel is
 * tried. (Conv3DBackpropFilterV2 on a depth-1 view, the other detour, disagreed with the reference
 * at stride 2 by up to 20 % of the scale here, so it is not used.)
 */
let filterKernel: 'Conv2DBackpropFilter' | 'per-tap matMul detour' = 'Conv2DBackpropFilter';

function weightGradientByTaps(g: Conv2dGeometry, x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
  const padded = tf.pad(x, explicitPad(g));
  const rows = g.batch * g.outHeight * g.outWidth;
  const dyRows = tf.reshape(dy, [rows, g.outChannels]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < g.kernelHeight; i++)
    for (let j = 0; j < g.kernelWidth; j++) {
      const top = i * g.dilationH;
      const left = j * g.dilationW;
      const slice = tf.stridedSlice(
        padded,
        [0, top, left, 0],
        [
          g.batch,
          top + (g.outHeight - 1) * g.strideH + 1,
          left + (g.outWidth - 1) * g.strideW + 1,
          g.inChannels,
        ],
        [1, g.strideH, g.strideW, 1],
      );
      taps.push(tf.matMul(tf.reshape(slice, [rows, g.inChannels]), dyRows, true, false));
    }
  return tf.reshape(tf.stack(taps), [g.kernelHeight, g.kernelWidth, g.inChannels, g.outChannels]);
}

/** tfjs on NHWC tensors: the result tensor in NHWC/HWIO. */
function tfjsPass(pass: Pass, o: Operands, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
  const g = o.g;
  const s = shapes(g);
  const strides: [number, number] = [g.strideH, g.strideW];
  if (pass === 'forward') return tf.conv2d(x, w, strides, explicitPad(g));
  if (pass === 'data gradient')
    return tf
      .engine()
      .runKernel(
        'Conv2DBackpropInput',
        { dy, filter: w },
        { strides, pad: explicitPad(g), dataFormat: 'NHWC', inputShape: s.xNhwc },
      ) as tf.Tensor;
  if (filterKernel === 'Conv2DBackpropFilter')
    return tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides, pad: explicitPad(g), dataFormat: 'NHWC', filterShape: s.wHwio },
      ) as tf.Tensor;
  return weightGradientByTaps(g, x, dy);
}

/** tfjs from NHWC arrays; `nchw` starts from NCHW/OIHW arrays and transposes in tfjs both ways. */
function runTfjs(pass: Pass, o: Operands, nchw: boolean): Float32Array {
  // The result leaves tidy as a tensor: tidy walks a returned typed array entry by entry.
  const result = tf.tidy(() => {
    const s = shapes(o.g);
    const fromNchw = (data: Float32Array, shape: number[], perm: number[]) =>
      tf.transpose(tf.tensor4d(data, shape as [number, number, number, number]), perm) as tf.Tensor4D;
    const x = nchw ? fromNchw(o.x, s.x, NCHW_TO_NHWC) : tf.tensor4d(o.xNhwc, s.xNhwc);
    const w = nchw ? fromNchw(o.w, s.w, OIHW_TO_HWIO) : tf.tensor4d(o.wHwio, s.wHwio);
    const dy = nchw ? fromNchw(o.dy, s.dy, NCHW_TO_NHWC) : tf.tensor4d(o.dyNhwc, s.dyNhwc);
    const out = tfjsPass(pass, o, x, w, dy);
    return nchw ? tf.transpose(out, pass === 'weight gradient' ? HWIO_TO_OIHW : NHWC_TO_NCHW) : out;
  });
  const data = result.dataSync() as Float32Array;
  result.dispose();
  return data;
}

const wasm = await createWasmBackend(nodeWasmLoader);
async function runOurs(pass: Pass, o: Operands, out: Float32Array): Promise<void> {
  if (pass === 'forward') await wasm.conv2dForward({ ...o.g, x: o.x, weight: o.w, out });
  else if (pass === 'data gradient')
    await wasm.conv2dBackwardData({ ...o.g, dy: o.dy, weight: o.w, dx: out });
  else await wasm.conv2dBackwardFilter({ ...o.g, x: o.x, dy: o.dy, dWeight: out });
}

const outSize = (pass: Pass, g: Conv2dGeometry) =>
  pass === 'forward'
    ? g.batch * g.outChannels * g.outHeight * g.outWidth
    : pass === 'data gradient'
      ? g.batch * g.inChannels * g.inHeight * g.inWidth
      : g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth;

// ---- setup ---------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);
setWasmPaths(
  `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`,
);
// One thread: the single-threaded SIMD binary, as our kernels run.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its WASM backend');
const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
console.log(
  `tfjs-core ${tf.version_core}, backend ${tf.getBackend()} (SIMD ${simd}, threads off); ours: WASM SIMD, one thread`,
);
console.log(`fmnist-resnet8 convolutions at batch ${BATCH}, ${ROUNDS} interleaved rounds`);

const layers = LAYERS.map((l) => operands(geometry(l)));
try {
  runTfjs('weight gradient', layers[0], false);
} catch (error) {
  console.log(
    `tfjs WASM Conv2DBackpropFilter: ${(error as Error).message.split('\n')[0]} — weight gradients go through a per-tap matMul detour`,
  );
  filterKernel = 'per-tap matMul detour';
}

// ---- timing --------------------------------------------------------------------------------------

const IMPLS = ['ours NCHW', 'tfjs NHWC', 'tfjs NCHW+transposes'] as const;
type Impl = (typeof IMPLS)[number];
const key = (layer: number, pass: Pass, impl: Impl) => `${layer}|${pass}|${impl}`;
/** Per call: CPU ms of this (single-threaded) process — steadier than wall time on a shared machine. */
const samples = new Map<string, number[]>();
/** Per round and pass, summed over the layers: CPU ms, and wall ms for comparison. */
const totals = { cpu: new Map<string, number[]>(), wall: new Map<string, number[]>() };
const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);

const outs = layers.map((o) => PASSES.map((p) => new Float32Array(outSize(p, o.g))));
const runImpl = async (impl: Impl, pass: Pass, i: number): Promise<void> => {
  if (impl === 'ours NCHW') await runOurs(pass, layers[i], outs[i][PASSES.indexOf(pass)]);
  else runTfjs(pass, layers[i], impl === 'tfjs NCHW+transposes');
};

for (const impl of IMPLS)
  for (const pass of PASSES) for (let i = 0; i < layers.length; i++) await runImpl(impl, pass, i);

for (let round = 0; round < ROUNDS; round++) {
  const sums = { cpu: new Map<string, number>(), wall: new Map<string, number>() };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (let i = 0; i < layers.length; i++)
    for (const pass of PASSES)
      for (const impl of round % 2 ? [...IMPLS].reverse() : IMPLS) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await runImpl(impl, pass, i);
        const wall = performance.now() - t0;
        const c = process.cpuUsage(c0);
        const cpu = (c.user + c.system) / 1000;
        push(samples, key(i, pass, impl), cpu);
        add(sums.cpu, `${pass}|${impl}`, cpu);
        add(sums.wall, `${pass}|${impl}`, wall);
      }
  for (const metric of ['cpu', 'wall'] as const)
    for (const [k, v] of sums[metric]) push(totals[metric], k, v);
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))];
};
const cell = (xs: number[]) => `${quantile(xs, 0.1).toFixed(1)} / ${quantile(xs, 0.5).toFixed(1)}`;
const ratio = (a: number[], b: number[]) => `×${(quantile(b, 0.5) / quantile(a, 0.5)).toFixed(2)}`;

console.log('\nper layer, CPU ms p10 / median (ratio = tfjs median ÷ ours median)');
printTable(
  ['layer', 'pass', ...IMPLS, 'tfjs NHWC ÷ ours', 'tfjs+T ÷ ours'],
  layers.flatMap((o, i) =>
    PASSES.map((pass) => {
      const [ours, nhwc, nchw] = IMPLS.map((impl) => samples.get(key(i, pass, impl)) ?? []);
      return [label(o.g), pass, cell(ours), cell(nhwc), cell(nchw), ratio(ours, nhwc), ratio(ours, nchw)];
    }),
  ),
);
for (const metric of ['cpu', 'wall'] as const) {
  console.log(`\nall nine convolutions of one training step, ${metric} ms p10 / median`);
  printTable(
    ['pass', ...IMPLS, 'tfjs NHWC ÷ ours', 'tfjs+T ÷ ours'],
    [...PASSES, 'all three' as const].map((pass) => {
      const series = IMPLS.map((impl) =>
        pass === 'all three'
          ? Array.from({ length: ROUNDS }, (_, r) =>
              PASSES.reduce((s, p) => s + (totals[metric].get(`${p}|${impl}`) ?? [])[r], 0),
            )
          : (totals[metric].get(`${pass}|${impl}`) ?? []),
      );
      return [pass, ...series.map(cell), ratio(series[0], series[1]), ratio(series[0], series[2])];
    }),
  );
}
console.log(`weight gradient on tfjs: ${filterKernel}`);

// ---- correctness ---------------------------------------------------------------------------------

/** max |got − want| / (scale + tiny) where scale is the same computation on |operands| in float64. */
function worstError(pass: Pass, o: Operands, got: Float32Array): number {
  const g = o.g;
  const f64 = (a: Float32Array) => Float64Array.from(a);
  const abs64 = (a: Float32Array) => Float64Array.from(a, Math.abs);
  const n = outSize(pass, g);
  const want = new Float64Array(n);
  const scale = new Float64Array(n);
  for (const [x, w, dy, out] of [
    [f64(o.x), f64(o.w), f64(o.dy), want],
    [abs64(o.x), abs64(o.w), abs64(o.dy), scale],
  ]) {
    if (pass === 'forward') ref.conv2dForward({ ...g, x, weight: w, out });
    else if (pass === 'data gradient') ref.conv2dBackwardData({ ...g, dy, weight: w, dx: out });
    else ref.conv2dBackwardFilter({ ...g, x, dy, dWeight: out });
  }
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (scale[i] + 1e-30));
  return worst;
}

console.log('\ncorrectness against the float64 reference: max |Δ| / Σ|terms| over each output');
printTable(
  ['layer', 'pass', 'ours', 'tfjs'],
  layers.flatMap((o, i) =>
    PASSES.map((pass) => {
      const ours = outs[i][PASSES.indexOf(pass)];
      const theirs = runTfjs(pass, o, true);
      return [
        label(o.g),
        pass,
        worstError(pass, o, ours).toExponential(1),
        worstError(pass, o, theirs).toExponential(1),
      ];
    }),
  ),
);

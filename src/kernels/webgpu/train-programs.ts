// WGSL programs for training: one tiled GEMM whose operand loads are written per kernel — plain
// (GEMM with transposes), implicit im2col (convolution forward and weight gradient) and implicit
// col2im by gathering (data gradient) — plus channel sums and the optimizer steps.
import type { Program } from './program';
import { grid } from './program';

/** Output tile edge: a 16×16 workgroup computes a 16×16 block, K staged 16 at a time. */
export const TILE = 16;

/**
 * The uniform every convolution program reads: the geometry plus the GEMM view of the launch.
 * `colBase` offsets the launch's columns (grids wider than a dispatch allows run in slices);
 * `splitLen` is the reduction length of one split of a split-K launch.
 */
// prettier-ignore
export const CONV_PARAMS = [
  'm', 'n', 'k', 'colBase', 'tilesM', 'splits', 'splitLen', 'hasBias',
  'batch', 'cin', 'h', 'w', 'cout', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'padT', 'padL', 'dh', 'dw',
  'groups', 'cg', 'og',
] as const;
export type ConvParam = (typeof CONV_PARAMS)[number];
const SIGNED: readonly ConvParam[] = ['padT', 'padL'];
export const CONV_PARAM_TYPES = CONV_PARAMS.map((f) => (SIGNED.includes(f) ? 'i' : 'u')).join('');

const CONV_STRUCT = `struct P { ${CONV_PARAMS.map((f) => `${f}: ${SIGNED.includes(f) ? 'i32' : 'u32'}`).join(', ')} }`;

/**
 * The shared tile loop. The including source defines P (with m, n, k, colBase, tilesM, splits,
 * splitLen), `loadA(z, row, kk)`, `loadB(z, kk, col)` (called only in range) and
 * `store(z, row, col, acc)`. Workgroup (x, y) computes columns colBase + 16x… and, with
 * y = z·tilesM + tile, rows 16·tile… of problem z: z = group·splits + split, where split s reduces
 * kk ∈ [s·splitLen, (s+1)·splitLen) ∩ [0, k).
 */
function tiled(body: string): string {
  return /* wgsl */ `
${body}
var<workgroup> ta: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> tb: array<array<f32, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let z = wg.y / p.tilesM;
  let row = (wg.y % p.tilesM) * ${TILE}u + l.y;
  let col = p.colBase + wg.x * ${TILE}u + l.x;
  let aRow = (wg.y % p.tilesM) * ${TILE}u + l.x;
  let split = z % p.splits;
  let k0 = split * p.splitLen;
  let k1 = min(p.k, k0 + p.splitLen);
  var acc = 0.0;
  for (var kt = k0; kt < k1; kt += ${TILE}u) {
    // ta[kk][r] = A(row r, kk), tb[kk][c] = B(kk, column c): both read with the thread's x as the
    // fastest index, so neighbouring threads load neighbouring columns.
    let ka = kt + l.y;
    var a = 0.0;
    if (ka < k1 && aRow < p.m) { a = loadA(z, aRow, ka); }
    ta[l.y][l.x] = a;
    var b = 0.0;
    if (ka < k1 && col < p.n) { b = loadB(z, ka, col); }
    tb[l.y][l.x] = b;
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE}u; kk++) { acc += ta[kk][l.y] * tb[kk][l.x]; }
    workgroupBarrier();
  }
  if (row < p.m && col < p.n) { store(z, row, col, acc); }
}`;
}

/** out (+)= op(A)·op(B), row-major, m×k by k×n. */
export function gemmProgram(dispatch: [number, number]): Program {
  return {
    cacheKey: 'train-gemm',
    workgroupSize: TILE * TILE,
    dispatch,
    source: tiled(/* wgsl */ `
struct P { m: u32, n: u32, k: u32, colBase: u32, tilesM: u32, splits: u32, splitLen: u32, transA: u32, transB: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn loadA(z: u32, i: u32, kk: u32) -> f32 {
  if (p.transA == 1u) { return a[kk * p.m + i]; }
  return a[i * p.k + kk];
}
fn loadB(z: u32, kk: u32, j: u32) -> f32 {
  if (p.transB == 1u) { return b[j * p.k + kk]; }
  return b[kk * p.n + j];
}
fn store(z: u32, i: u32, j: u32, acc: f32) {
  let o = i * p.n + j;
  if (p.accumulate == 1u) { out[o] += acc; } else { out[o] = acc; }
}`),
  };
}

/** x[image, channel, ih, iw] at one im2col entry — row kk = (c, ki, kj) of group g, column (image, oh, ow). */
const IM2COL = /* wgsl */ `
fn im2col(g: u32, kk: u32, col: u32) -> f32 {
  let plane = p.oh * p.ow;
  let image = col / plane;
  let pos = col % plane;
  let taps = p.kh * p.kw;
  let c = kk / taps;
  let tap = kk % taps;
  let ih = i32((pos / p.ow) * p.sh + (tap / p.kw) * p.dh) - p.padT;
  let iw = i32((pos % p.ow) * p.sw + (tap % p.kw) * p.dw) - p.padL;
  if (ih < 0 || iw < 0 || ih >= i32(p.h) || iw >= i32(p.w)) { return 0.0; }
  return x[((image * p.cin + g * p.cg + c) * p.h + u32(ih)) * p.w + u32(iw)];
}`;

/** out[image, g·og + row, pos] = Σ_kk W_g[row, kk] · col_g[kk, (image, pos)] + bias: implicit GEMM. */
export function convForwardProgram(dispatch: [number, number]): Program {
  return {
    cacheKey: 'train-conv-forward',
    workgroupSize: TILE * TILE,
    dispatch,
    source: tiled(/* wgsl */ `
${CONV_STRUCT}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
${IM2COL}
fn loadA(g: u32, row: u32, kk: u32) -> f32 { return weight[(g * p.og + row) * p.k + kk]; }
fn loadB(g: u32, kk: u32, col: u32) -> f32 { return im2col(g, kk, col); }
fn store(g: u32, row: u32, col: u32, acc: f32) {
  let plane = p.oh * p.ow;
  let channel = g * p.og + row;
  var v = acc;
  if (p.hasBias == 1u) { v += bias[channel]; }
  out[((col / plane) * p.cout + channel) * plane + col % plane] = v;
}`),
  };
}

/**
 * dx[image, g·cg + row, ih, iw] = Σ over (co, ki, kj) of W[g·og + co, row, ki, kj] · dy[image, g·og + co, oh, ow]
 * where ih = oh·sh − padT + ki·dh (and alike for w): col2im as a gather, so each dx entry is written once.
 */
export function convBackwardDataProgram(dispatch: [number, number]): Program {
  return {
    cacheKey: 'train-conv-backward-data',
    workgroupSize: TILE * TILE,
    dispatch,
    source: tiled(/* wgsl */ `
${CONV_STRUCT}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

fn loadA(g: u32, row: u32, kk: u32) -> f32 {
  let taps = p.kh * p.kw;
  return weight[((g * p.og + kk / taps) * p.cg + row) * taps + kk % taps];
}
fn loadB(g: u32, kk: u32, col: u32) -> f32 {
  let plane = p.h * p.w;
  let image = col / plane;
  let pos = col % plane;
  let taps = p.kh * p.kw;
  let tap = kk % taps;
  let th = i32(pos / p.w) + p.padT - i32((tap / p.kw) * p.dh);
  let tw = i32(pos % p.w) + p.padL - i32((tap % p.kw) * p.dw);
  if (th < 0 || tw < 0) { return 0.0; }
  let uh = u32(th);
  let uw = u32(tw);
  if (uh % p.sh != 0u || uw % p.sw != 0u) { return 0.0; }
  let oh = uh / p.sh;
  let ow = uw / p.sw;
  if (oh >= p.oh || ow >= p.ow) { return 0.0; }
  return dy[((image * p.cout + g * p.og + kk / taps) * p.oh + oh) * p.ow + ow];
}
fn store(g: u32, row: u32, col: u32, acc: f32) {
  let plane = p.h * p.w;
  dx[((col / plane) * p.cin + g * p.cg + row) * plane + col % plane] = acc;
}`),
  };
}

/**
 * Split-K weight gradient: partial[split, g·og + row, kk] = Σ over (image, pos) in the split of
 * dy[image, g·og + row, pos] · col_g[kk, (image, pos)]; `sumSplitsProgram` adds the splits.
 */
export function convBackwardFilterProgram(dispatch: [number, number]): Program {
  return {
    cacheKey: 'train-conv-backward-filter',
    workgroupSize: TILE * TILE,
    dispatch,
    source: tiled(/* wgsl */ `
${CONV_STRUCT}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;
${IM2COL}
fn loadA(z: u32, row: u32, r: u32) -> f32 {
  let plane = p.oh * p.ow;
  return dy[((r / plane) * p.cout + (z / p.splits) * p.og + row) * plane + r % plane];
}
fn loadB(z: u32, r: u32, kk: u32) -> f32 { return im2col(z / p.splits, kk, r); }
fn store(z: u32, row: u32, kk: u32, acc: f32) {
  let split = z % p.splits;
  partial[(split * p.cout + (z / p.splits) * p.og + row) * p.n + kk] = acc;
}`),
  };
}

/** out[i] = Σ_s partial[s·size + i]. */
export function sumSplitsProgram(size: number): Program {
  return {
    cacheKey: 'train-sum-splits',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(size / 256)),
    source: /* wgsl */ `
struct P { size: u32, splits: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * 256u + l.x;
  if (i >= p.size) { return; }
  var s = 0.0;
  for (var k = 0u; k < p.splits; k++) { s += partial[k * p.size + i]; }
  out[i] = s;
}`,
  };
}

/** out[c] = Σ over [outer, c, inner]: one 256-thread workgroup per channel, tree reduction. */
export function channelSumsProgram(channels: number): Program {
  return {
    cacheKey: 'train-channel-sums',
    workgroupSize: 256,
    dispatch: grid(channels),
    source: /* wgsl */ `
struct P { outer: u32, channels: u32, inner: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let c = wg.y * nwg.x + wg.x;
  if (c >= p.channels) { return; }
  var s = 0.0;
  let count = p.outer * p.inner;
  for (var t = l.x; t < count; t += 256u) {
    s += data[((t / p.inner) * p.channels + c) * p.inner + t % p.inner];
  }
  part[l.x] = s;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (l.x < h) { part[l.x] += part[l.x + h]; }
    workgroupBarrier();
  }
  if (l.x == 0u) { out[c] = part[0]; }
}`,
  };
}

/** Entry point of the one-thread-per-value programs: `i` indexes the value, p.n bounds it. */
export const ELEMENTWISE_HEAD = /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * 256u + l.x;
  if (i >= p.n) { return; }`;

/** SGD with momentum and L2 decay, in place (SgdUpdateArgs). */
export function sgdProgram(n: number): Program {
  return {
    cacheKey: 'train-sgd',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
struct P { n: u32, nesterov: u32, pad0: u32, pad1: u32, lr: f32, momentum: f32, decay: f32, pad2: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
${ELEMENTWISE_HEAD}
  let g = grad[i] + p.decay * param[i];
  let v = p.momentum * velocity[i] + g;
  velocity[i] = v;
  param[i] -= p.lr * select(v, g + p.momentum * v, p.nesterov == 1u);
}`,
  };
}

/** AdamW, in place; c1, c2 = the bias corrections 1 − βᵗ, computed on the host in f64 (AdamwUpdateArgs). */
export function adamwProgram(n: number): Program {
  return {
    cacheKey: 'train-adamw',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
struct P { n: u32, pad0: u32, pad1: u32, pad2: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, keep: f32, c1: f32, c2: f32, pad3: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
${ELEMENTWISE_HEAD}
  let g = grad[i];
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] * p.keep - (p.lr * (mi / p.c1)) / (sqrt(vi / p.c2) + p.eps);
}`,
  };
}

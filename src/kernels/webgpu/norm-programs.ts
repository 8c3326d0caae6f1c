// WGSL programs for BatchNormalization by batch statistics and the piecewise-linear activations.
// A channel's statistics and gradient sums come from `lanes` threads of a 256-thread workgroup
// (strided partial sums, then a tree in workgroup memory): long channels get a workgroup each, short
// ones share one, down to a thread per channel. The per-value passes run one thread per value.
import type { Program } from './program';
import { grid } from './program';
import { ELEMENTWISE_HEAD } from './train-programs';

/** Threads that sum one channel: a power of two near count/8, so each thread sums ~8 values or more. */
export function channelLanes(count: number): number {
  let lanes = 1;
  while (lanes < 256 && lanes * 8 < count) lanes *= 2;
  return lanes;
}

/**
 * The per-channel head: workgroup and thread → channel `c` and `lane`, `reduce` (both lanes of the
 * thread's partial summed over the channel's threads into part[base]) and `at` (the flat index of
 * value t of channel c). Threads past the last channel sum nothing but still reach every barrier.
 */
function channelHead(lanes: number): string {
  return /* wgsl */ `
const LANES = ${lanes}u;
var<workgroup> part: array<vec2f, 256>;

fn reduce(l: u32, lane: u32, v: vec2f) {
  part[l] = v;
  workgroupBarrier();
  for (var h = LANES / 2u; h > 0u; h >>= 1u) {
    if (lane < h) { part[l] += part[l + h]; }
    workgroupBarrier();
  }
}

fn at(c: u32, t: u32) -> u32 { return ((t / p.inner) * p.channels + c) * p.inner + t % p.inner; }

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let l = lid.x;
  let lane = l % LANES;
  let base = l - lane;
  let c = (wg.y * nwg.x + wg.x) * (256u / LANES) + l / LANES;
  let live = c < p.channels;
  let count = select(0u, p.outer * p.inner, live);`;
}

const channelDispatch = (channels: number, lanes: number) => grid(Math.ceil(channels / (256 / lanes)));

/**
 * Per channel: mean, then Σd and Σd² of the deviations d = x − mean (two passes; the Σd term
 * corrects the f32 mean's rounding, as in Chan, Golub & LeVeque's corrected two-pass variance),
 * biased variance and invStd = 1/√(variance + eps). stats[3c..3c+2] = mean, variance, invStd.
 */
export function batchNormStatsProgram(channels: number, lanes: number): Program {
  return {
    cacheKey: `train-batchnorm-stats-${lanes}`,
    workgroupSize: 256,
    dispatch: channelDispatch(channels, lanes),
    source: /* wgsl */ `
struct P { outer: u32, channels: u32, inner: u32, pad: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;
${channelHead(lanes)}
  let m = f32(count);
  var s = 0.0;
  for (var t = lane; t < count; t += LANES) { s += x[at(c, t)]; }
  reduce(l, lane, vec2f(s, 0.0));
  let mean = part[base].x / m;
  workgroupBarrier();
  var q = vec2f(0.0);
  for (var t = lane; t < count; t += LANES) {
    let d = x[at(c, t)] - mean;
    q += vec2f(d, d * d);
  }
  reduce(l, lane, q);
  if (live && lane == 0u) {
    let shift = part[base].x / m;
    let variance = max(0.0, part[base].y / m - shift * shift);
    stats[3u * c] = mean;
    stats[3u * c + 1u] = variance;
    stats[3u * c + 2u] = 1.0 / sqrt(variance + p.eps);
  }
}`,
  };
}

/** out = scale·(x − mean)·invStd + bias, one thread per value of [outer, channels, inner]. */
export function batchNormApplyProgram(n: number): Program {
  return {
    cacheKey: 'train-batchnorm-apply',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
struct P { n: u32, channels: u32, inner: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
${ELEMENTWISE_HEAD}
  let c = (i / p.inner) % p.channels;
  out[i] = (x[i] - stats[3u * c]) * (scale[c] * stats[3u * c + 2u]) + bias[c];
}`,
  };
}

/** Per channel: sums[2c] = dScale = Σ dy·(x − mean)·invStd, sums[2c + 1] = dBias = Σ dy. */
export function batchNormGradSumsProgram(channels: number, lanes: number): Program {
  return {
    cacheKey: `train-batchnorm-grad-sums-${lanes}`,
    workgroupSize: 256,
    dispatch: channelDispatch(channels, lanes),
    source: /* wgsl */ `
struct P { outer: u32, channels: u32, inner: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> invStd: array<f32>;
@group(0) @binding(5) var<storage, read_write> sums: array<f32>;
${channelHead(lanes)}
  var s = vec2f(0.0);
  if (live) {
    let mu = mean[c];
    for (var t = lane; t < count; t += LANES) {
      let o = at(c, t);
      let g = dy[o];
      s += vec2f(g * (x[o] - mu), g);
    }
  }
  reduce(l, lane, s);
  if (live && lane == 0u) {
    sums[2u * c] = part[base].x * invStd[c];
    sums[2u * c + 1u] = part[base].y;
  }
}`,
  };
}

/**
 * dx = k·(M·dy − dBias − x̂·dScale) with k = scale·invStd/M and x̂ = (x − mean)·invStd, one thread
 * per value; `sums` as batchNormGradSumsProgram wrote it.
 */
export function batchNormGradInputProgram(n: number): Program {
  return {
    cacheKey: 'train-batchnorm-grad-input',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
struct P { n: u32, channels: u32, inner: u32, count: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> invStd: array<f32>;
@group(0) @binding(6) var<storage, read> sums: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
${ELEMENTWISE_HEAD}
  let c = (i / p.inner) % p.channels;
  let inv = invStd[c];
  let m = f32(p.count);
  let xHat = (x[i] - mean[c]) * inv;
  dx[i] = (scale[c] * inv / m) * (m * dy[i] - sums[2u * c + 1u] - xHat * sums[2u * c]);
}`,
  };
}

/**
 * The activation uniform: kind 0 relu, 1 leakyRelu (slope `a` below 0), 2 clip to [a, b] where
 * hasLo / hasHi say which bounds exist (no reliance on infinities in WGSL).
 */
const ACTIVATION_STRUCT = /* wgsl */ `
struct P { n: u32, kind: u32, hasLo: u32, hasHi: u32, a: f32, b: f32 }
@group(0) @binding(0) var<uniform> p: P;`;

/** out = f(x) (see api.ts's Activation: relu 0 at 0, leakyRelu x at 0). */
export function activationForwardProgram(n: number): Program {
  return {
    cacheKey: 'train-activation-forward',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
${ACTIVATION_STRUCT}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${ELEMENTWISE_HEAD}
  let v = x[i];
  var y = v;
  if (p.kind == 0u) {
    y = select(0.0, v, v > 0.0);
  } else if (p.kind == 1u) {
    y = select(p.a * v, v, v >= 0.0);
  } else {
    if (p.hasLo == 1u && v < p.a) { y = p.a; }
    if (p.hasHi == 1u && y > p.b) { y = p.b; }
  }
  out[i] = y;
}`,
  };
}

/** dx = dy·f′(x) with PyTorch's one-sided values at the kinks (clip passes [lo, hi] inclusive). */
export function activationBackwardProgram(n: number): Program {
  return {
    cacheKey: 'train-activation-backward',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
${ACTIVATION_STRUCT}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
${ELEMENTWISE_HEAD}
  let v = x[i];
  let g = dy[i];
  var d = g;
  if (p.kind == 0u) {
    d = select(0.0, g, v > 0.0);
  } else if (p.kind == 1u) {
    d = select(p.a * g, g, v >= 0.0);
  } else {
    let inside = (p.hasLo == 0u || v >= p.a) && (p.hasHi == 0u || v <= p.b);
    d = select(0.0, g, inside);
  }
  dx[i] = d;
}`,
  };
}

// WGSL programs for min/max observers, histograms and histogram range searches.
import type { Program } from './program';
import { grid } from './program';

// WGSL rejects an infinite constant expression, so +Inf arrives as a uniform (`p.inf`).
const INF = 'p.inf';

/** Partial [min, max] per workgroup over a grid-strided slice; the host folds the partials. */
export function minMaxProgram(groups: number): Program {
  return {
    cacheKey: 'minmax',
    workgroupSize: 256,
    dispatch: [groups, 1],
    source: /* wgsl */ `
struct P { n: u32, pad0: u32, pad1: u32, inf: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> lo: array<f32, 256>;
var<workgroup> hi: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  var mn = ${INF};
  var mx = -${INF};
  for (var i = wg.x * 256u + l.x; i < p.n; i += nwg.x * 256u) {
    let v = data[i];
    if (v < mn) { mn = v; }
    if (v > mx) { mx = v; }
  }
  lo[l.x] = mn;
  hi[l.x] = mx;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (l.x < h) { lo[l.x] = min(lo[l.x], lo[l.x + h]); hi[l.x] = max(hi[l.x], hi[l.x + h]); }
    workgroupBarrier();
  }
  if (l.x == 0u) { out[2u * wg.x] = lo[0]; out[2u * wg.x + 1u] = hi[0]; }
}`,
  };
}

/** [min, max] of each channel of an [outer, channels, inner] view: one workgroup per channel. */
export function channelMinMaxProgram(channels: number): Program {
  return {
    cacheKey: 'channel-minmax',
    workgroupSize: 256,
    dispatch: grid(channels),
    source: /* wgsl */ `
struct P { outer: u32, channels: u32, inner: u32, inf: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> lo: array<f32, 256>;
var<workgroup> hi: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let c = wg.y * nwg.x + wg.x;
  if (c >= p.channels) { return; }
  var mn = ${INF};
  var mx = -${INF};
  let count = p.outer * p.inner;
  for (var t = l.x; t < count; t += 256u) {
    let o = t / p.inner;
    let v = data[(o * p.channels + c) * p.inner + t % p.inner];
    if (v < mn) { mn = v; }
    if (v > mx) { mx = v; }
  }
  lo[l.x] = mn;
  hi[l.x] = mx;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (l.x < h) { lo[l.x] = min(lo[l.x], lo[l.x + h]); hi[l.x] = max(hi[l.x], hi[l.x + h]); }
    workgroupBarrier();
  }
  if (l.x == 0u) { out[2u * c] = lo[0]; out[2u * c + 1u] = hi[0]; }
}`,
  };
}

/** counts[floor((v − lo)·scale) clamped] += 1 with atomics; scale = bins/(hi − lo) rounded to f32 on the host. */
export function histogramProgram(groups: number): Program {
  return {
    cacheKey: 'histogram',
    workgroupSize: 256,
    dispatch: [groups, 1],
    source: /* wgsl */ `
struct P { n: u32, bins: u32, absolute: u32, pad: u32, lo: f32, scale: f32, pad1: f32, pad2: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let top = f32(p.bins - 1u);
  for (var i = wg.x * 256u + l.x; i < p.n; i += nwg.x * 256u) {
    var v = data[i];
    if (p.absolute == 1u) { v = abs(v); }
    let t = floor((v - p.lo) * p.scale);
    atomicAdd(&counts[u32(clamp(t, 0.0, top))], 1u);
  }
}`,
  };
}

/** One thread per kept-bin count: the KL divergence of EntropyArgs by its definition, in f32. */
export function entropyProgram(candidates: number): Program {
  return {
    cacheKey: 'entropy',
    workgroupSize: 64,
    dispatch: grid(Math.ceil(candidates / 64)),
    source: /* wgsl */ `
struct P { bins: u32, levels: u32, start: u32, count: u32, inf: f32, pad0: f32, pad1: f32, pad2: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> counts: array<u32>;
@group(0) @binding(2) var<storage, read_write> div: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let c = (wg.y * nwg.x + wg.x) * 64u + l.x;
  if (c >= p.count) { return; }
  let kept = p.start + c;
  var outliers = 0.0;
  for (var j = kept; j < p.bins; j++) { outliers += f32(counts[j]); }
  var sumQ = 0.0;
  for (var j = 0u; j < kept; j++) { sumQ += f32(counts[j]); }
  let sumP = sumQ + outliers;
  if (sumQ <= 0.0) { div[c] = ${INF}; return; }
  let m = kept / p.levels;
  var kl = 0.0;
  for (var g = 0u; g < p.levels; g++) {
    let a = g * m;
    let b = select(a + m, kept, g == p.levels - 1u);
    var s = 0.0;
    var nz = 0.0;
    for (var j = a; j < b; j++) {
      let pj = f32(counts[j]) + select(0.0, outliers, j == kept - 1u);
      s += f32(counts[j]);
      if (pj > 0.0) { nz += 1.0; }
    }
    for (var j = a; j < b; j++) {
      let pj = f32(counts[j]) + select(0.0, outliers, j == kept - 1u);
      if (pj > 0.0) {
        let pp = pj / sumP;
        let qq = select(1e-12, s / nz / sumQ, s > 0.0);
        kl += pp * log(pp / qq);
      }
    }
  }
  div[c] = kl;
}`,
  };
}

/** One thread per threshold: count-weighted squared error of quantising bin centres (MseRangeArgs). */
export function mseProgram(candidates: number): Program {
  return {
    cacheKey: 'mse',
    workgroupSize: 64,
    dispatch: grid(Math.ceil(candidates / 64)),
    source: /* wgsl */ `
struct P { bins: u32, candidates: u32, pad0: u32, pad1: u32, lo: f32, width: f32, extent: f32, qmax: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> counts: array<u32>;
@group(0) @binding(2) var<storage, read> thresholds: array<f32>;
@group(0) @binding(3) var<storage, read_write> err: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let k = (wg.y * nwg.x + wg.x) * 64u + l.x;
  if (k >= p.candidates) { return; }
  let s = thresholds[k] / p.qmax;
  var total = 0.0;
  for (var b = 0u; b < p.bins; b++) {
    let x = p.lo + (f32(b) + 0.5) * p.width;
    let q = clamp(round(x / s), -p.qmax, p.qmax);
    let e = x - q * s;
    total += f32(counts[b]) * (e * e);
  }
  err[k] = total;
}`,
  };
}

/**
 * Inclusive prefix sums of a histogram in one workgroup: each thread sums a run of `chunk` bins, the
 * 256 run totals are scanned (Hillis–Steele), then each thread writes its run's running sums.
 * `flags` gets [1 if a u32 sum wrapped (total ≥ 2^32), total].
 */
export function prefixSumProgram(): Program {
  return {
    cacheKey: 'prefix-sum',
    workgroupSize: 256,
    dispatch: [1, 1],
    source: /* wgsl */ `
struct P { bins: u32, chunk: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> counts: array<u32>;
@group(0) @binding(2) var<storage, read_write> cum: array<u32>;
@group(0) @binding(3) var<storage, read_write> flags: array<u32>;
var<workgroup> part: array<u32, 256>;
var<workgroup> wrapped: atomic<u32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3u) {
  let start = min(l.x * p.chunk, p.bins);
  let end = min(start + p.chunk, p.bins);
  var s = 0u;
  for (var i = start; i < end; i++) {
    let t = s + counts[i];
    if (t < s) { atomicStore(&wrapped, 1u); }
    s = t;
  }
  part[l.x] = s;
  workgroupBarrier();
  for (var off = 1u; off < 256u; off <<= 1u) {
    var add = 0u;
    if (l.x >= off) { add = part[l.x - off]; }
    workgroupBarrier();
    let t = part[l.x] + add;
    if (t < add) { atomicStore(&wrapped, 1u); }
    part[l.x] = t;
    workgroupBarrier();
  }
  var run = 0u;
  if (l.x > 0u) { run = part[l.x - 1u]; }
  for (var i = start; i < end; i++) {
    run += counts[i];
    cum[i] = run;
  }
  if (l.x == 0u) {
    flags[0] = atomicLoad(&wrapped);
    flags[1] = part[255];
  }
}`,
  };
}

/**
 * One thread per bin over the prefix sums: `edges[0]` ← the first bin whose running count from the
 * left reaches `need` (atomicMin), `edges[1]` ← the last bin whose count from the right reaches it
 * (atomicMax). Running counts are monotone, so these are the reference's scans' answers.
 */
export function percentileEdgesProgram(bins: number): Program {
  return {
    cacheKey: 'percentile-edges',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(bins / 256)),
    source: /* wgsl */ `
struct P { bins: u32, need: u32, total: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> cum: array<u32>;
@group(0) @binding(2) var<storage, read_write> edges: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let b = (wg.y * nwg.x + wg.x) * 256u + l.x;
  if (b >= p.bins) { return; }
  if (cum[b] >= p.need) { atomicMin(&edges[0], b); }
  var before = 0u;
  if (b > 0u) { before = cum[b - 1u]; }
  if (p.total - before >= p.need) { atomicMax(&edges[1], b); }
}`,
  };
}

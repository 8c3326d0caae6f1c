// WGSL programs for int8 weight quantisation. Storage has no 8-bit type: int8 codes travel
// packed four to a u32, little-endian, as Int8Array bytes lie in memory.
import type { Program } from './program';
import { grid } from './program';

/** Per-row scale: absmax/127, or the clipping ratio with the least round-trip error (ScaleSearchArgs). */
export function scaleSearchProgram(channels: number): Program {
  return {
    cacheKey: 'scale-search',
    workgroupSize: 64,
    dispatch: grid(channels),
    source: /* wgsl */ `
struct P { channels: u32, size: u32, steps: u32, pad: u32, qmin: f32, minRatio: f32, inf: f32, pad2: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> scales: array<f32>;
var<workgroup> part: array<f32, 64>;

fn reduce(l: u32, isMax: bool) -> f32 {
  workgroupBarrier();
  for (var h = 32u; h > 0u; h >>= 1u) {
    if (l < h) { part[l] = select(part[l] + part[l + h], max(part[l], part[l + h]), isMax); }
    workgroupBarrier();
  }
  // A uniform load, so callers may branch on the result and still reach barriers.
  let r = workgroupUniformLoad(&part[0]);
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let c = wg.y * nwg.x + wg.x;
  if (c >= p.channels) { return; }
  let base = c * p.size;
  var m = 0.0;
  for (var i = l.x; i < p.size; i += 64u) { m = max(m, abs(w[base + i])); }
  part[l.x] = m;
  let a = reduce(l.x, true);
  var best = select(1.0, a / 127.0, a > 0.0);
  if (a > 0.0 && p.steps > 1u) {
    var bestErr = p.inf; // +Inf from the host: WGSL has no infinite constant
    for (var j = 0u; j < p.steps; j++) {
      let s = a * (1.0 - f32(j) * (1.0 - p.minRatio) / f32(p.steps - 1u)) / 127.0;
      var e = 0.0;
      for (var i = l.x; i < p.size; i += 64u) {
        let v = w[base + i];
        let d = v - clamp(round(v / s), p.qmin, 127.0) * s;
        e += d * d;
      }
      part[l.x] = e;
      let total = reduce(l.x, false);
      if (s > 0.0 && total < bestErr) { bestErr = total; best = s; }
    }
  }
  if (l.x == 0u) { scales[c] = best; }
}`,
  };
}

/** Four codes per thread: clamp(round_half_even(w / scale), qmin, 127), packed into one u32. */
export function quantizeProgram(words: number): Program {
  return {
    cacheKey: 'quantize',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(words / 256)),
    source: /* wgsl */ `
struct P { n: u32, size: u32, words: u32, pad: u32, qmin: f32, pad1: f32, pad2: f32, pad3: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let word = (wg.y * nwg.x + wg.x) * 256u + l.x;
  if (word >= p.words) { return; }
  var packed = 0u;
  for (var e = 0u; e < 4u; e++) {
    let i = word * 4u + e;
    if (i < p.n) {
      let q = i32(clamp(round(w[i] / scales[i / p.size]), p.qmin, 127.0));
      packed |= (bitcast<u32>(q) & 0xffu) << (8u * e);
    }
  }
  out[word] = packed;
}`,
  };
}

/** w = code · scale, codes unpacked (sign-extended) from four-per-u32 words. */
export function dequantizeProgram(n: number): Program {
  return {
    cacheKey: 'dequantize',
    workgroupSize: 256,
    dispatch: grid(Math.ceil(n / 256)),
    source: /* wgsl */ `
struct P { n: u32, size: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> q: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * 256u + l.x;
  if (i >= p.n) { return; }
  let code = extractBits(bitcast<i32>(q[i / 4u]), 8u * (i % 4u), 8u);
  out[i] = f32(code) * scales[i / p.size];
}`,
  };
}

// WGSL programs for norms, Xᵀ·Y tiles and FPGM distance sums.
import type { Program } from './program';
import { grid } from './program';

const TILE = 16;

/** out[dx×dy] += Xᵀ·Y: 16×16 output tiles, rows staged 16 at a time through workgroup memory. */
export function crossProgram(dx: number, dy: number): Program {
  return {
    cacheKey: 'cross',
    workgroupSize: TILE * TILE,
    dispatch: [Math.ceil(dx / TILE), Math.ceil(dy / TILE)],
    source: /* wgsl */ `
struct P { rows: u32, dx: u32, dy: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
var<workgroup> tx: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> ty: array<array<f32, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = wg.x * ${TILE}u + l.y;
  let j = wg.y * ${TILE}u + l.x;
  let xi = wg.x * ${TILE}u + l.x;
  var acc = 0.0;
  for (var r0 = 0u; r0 < p.rows; r0 += ${TILE}u) {
    let r = r0 + l.y;
    var a = 0.0;
    var b = 0.0;
    if (r < p.rows && xi < p.dx) { a = x[r * p.dx + xi]; }
    if (r < p.rows && j < p.dy) { b = y[r * p.dy + j]; }
    tx[l.y][l.x] = a;
    ty[l.y][l.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k++) { acc += tx[k][l.y] * ty[k][l.x]; }
    workgroupBarrier();
  }
  if (i < p.dx && j < p.dy) { out[i * p.dy + j] += acc; }
}`,
  };
}

/** out[f] = Σ|w| or sqrt(Σw²) over row f: one 64-thread workgroup per row, tree reduction. */
export function normsProgram(filters: number): Program {
  return {
    cacheKey: 'norms',
    workgroupSize: 64,
    dispatch: grid(filters),
    source: /* wgsl */ `
struct P { filters: u32, size: u32, l1: u32, pad: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> part: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let f = wg.y * nwg.x + wg.x;
  if (f >= p.filters) { return; }
  var s = 0.0;
  for (var k = l.x; k < p.size; k += 64u) {
    let v = w[f * p.size + k];
    if (p.l1 == 1u) { s += abs(v); } else { s += v * v; }
  }
  part[l.x] = s;
  workgroupBarrier();
  for (var h = 32u; h > 0u; h >>= 1u) {
    if (l.x < h) { part[l.x] += part[l.x + h]; }
    workgroupBarrier();
  }
  if (l.x == 0u) { out[f] = select(sqrt(part[0]), part[0], p.l1 == 1u); }
}`,
  };
}

/** out[a] = Σ_b sqrt(max(0, G_aa + G_bb − 2·G_ab)): one thread per filter a. */
export function distanceProgram(filters: number): Program {
  return {
    cacheKey: 'distances',
    workgroupSize: 64,
    dispatch: grid(Math.ceil(filters / 64)),
    source: /* wgsl */ `
struct P { filters: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let a = (wg.y * nwg.x + wg.x) * 64u + l.x;
  if (a >= p.filters) { return; }
  let f = p.filters;
  let gaa = g[a * f + a];
  var s = 0.0;
  for (var b = 0u; b < f; b++) { s += sqrt(max(0.0, gaa + g[b * f + b] - 2.0 * g[a * f + b])); }
  out[a] = s;
}`,
  };
}

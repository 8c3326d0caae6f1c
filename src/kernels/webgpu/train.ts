/// <reference types="@webgpu/types" />
// The WebGPU training kernels: operands uploaded, one tiled-GEMM program per kernel, results read
// back — the same per-call contract as the WASM training kernels, so the engine can pick either.
// BatchNorm and the activations live in norm.ts.
import { check } from '../api';
import type { Conv2dGeometry, Kernels, TrainKernelName } from '../api';
import * as v from '../validate';
import { makeNormKernels } from './norm';
import { MAX_GROUPS_X, Runner, release } from './program';
import type { Program } from './program';
import {
  CONV_PARAMS,
  CONV_PARAM_TYPES,
  TILE,
  adamwProgram,
  channelSumsProgram,
  convBackwardDataProgram,
  convBackwardFilterProgram,
  convForwardProgram,
  gemmProgram,
  sgdProgram,
  sumSplitsProgram,
  type ConvParam,
} from './train-programs';

/** Reduction length one split of the weight gradient sums before the splits are added. */
const SPLIT_LEN = 1024;

interface Launch {
  m: number;
  n: number;
  k: number;
  /** Problems stacked along the grid's y (groups × splits). */
  problems: number;
  splits: number;
  splitLen: number;
}

/**
 * Encodes a tiled launch: columns in slices of at most MAX_GROUPS_X tiles (each slice its own
 * `colBase`), rows as tilesM tiles per problem. `uniform` builds the slice's parameter block.
 */
function launchTiles(
  r: Runner,
  launch: Launch,
  make: (dispatch: [number, number]) => Program,
  uniform: (base: Omit<Launch, 'problems'> & { colBase: number; tilesM: number }) => GPUBuffer,
  buffers: GPUBuffer[],
): void {
  const tilesM = Math.ceil(launch.m / TILE);
  const tilesN = Math.ceil(launch.n / TILE);
  const rows = tilesM * launch.problems;
  check(rows <= MAX_GROUPS_X, `${rows} row tiles exceed one dispatch (${MAX_GROUPS_X})`);
  if (tilesM === 0 || tilesN === 0 || launch.problems === 0) return;
  for (let t0 = 0; t0 < tilesN; t0 += MAX_GROUPS_X) {
    const params = uniform({ ...launch, colBase: t0 * TILE, tilesM });
    r.run(make([Math.min(MAX_GROUPS_X, tilesN - t0), rows]), [params, ...buffers]);
    release(params);
  }
}

function sizes(g: Conv2dGeometry) {
  const cg = g.inChannels / g.groups;
  const og = g.outChannels / g.groups;
  const plane = g.outHeight * g.outWidth;
  return {
    cg,
    og,
    plane,
    k: cg * g.kernelHeight * g.kernelWidth,
    input: g.batch * g.inChannels * g.inHeight * g.inWidth,
    output: g.batch * g.outChannels * plane,
    weight: og * g.groups * cg * g.kernelHeight * g.kernelWidth,
  };
}

/** The conv programs' uniform: the geometry, then the slice's GEMM view. */
function convUniform(r: Runner, g: Conv2dGeometry, view: Record<string, number>): GPUBuffer {
  const s = sizes(g);
  // prettier-ignore
  const all: Record<ConvParam, number> = {
    m: 0, n: 0, k: 0, colBase: 0, tilesM: 0, splits: 1, splitLen: 0, hasBias: 0,
    batch: g.batch, cin: g.inChannels, h: g.inHeight, w: g.inWidth, cout: g.outChannels,
    oh: g.outHeight, ow: g.outWidth, kh: g.kernelHeight, kw: g.kernelWidth, sh: g.strideH,
    sw: g.strideW, padT: g.padTop, padL: g.padLeft, dh: g.dilationH, dw: g.dilationW,
    groups: g.groups, cg: s.cg, og: s.og,
    ...view,
  };
  return r.uniform(
    CONV_PARAMS.map((f) => all[f]),
    CONV_PARAM_TYPES,
  );
}

export function makeTrainKernels(r: Runner): Pick<Kernels, TrainKernelName> {
  const read = async (buffer: GPUBuffer, into: Float32Array, n: number) =>
    into.set(new Float32Array(await r.read(buffer, n * 4)));

  return {
    ...makeNormKernels(r),

    async conv2dForward(a) {
      v.convForward(a);
      const s = sizes(a);
      const gx = r.upload(a.x.subarray(0, s.input));
      const gw = r.upload(a.weight.subarray(0, s.weight));
      const gb = r.upload(a.bias ? a.bias.subarray(0, a.outChannels) : new Float32Array(1));
      const gOut = r.empty(s.output * 4);
      const launch = { m: s.og, n: a.batch * s.plane, k: s.k, problems: a.groups, splits: 1, splitLen: s.k };
      launchTiles(
        r,
        launch,
        convForwardProgram,
        (view) => convUniform(r, a, { ...view, hasBias: a.bias ? 1 : 0 }),
        [gx, gw, gb, gOut],
      );
      await read(gOut, a.out, s.output);
      release(gx, gw, gb, gOut);
    },

    async conv2dBackwardData(a) {
      v.convBackwardData(a);
      const s = sizes(a);
      const gdy = r.upload(a.dy.subarray(0, s.output));
      const gw = r.upload(a.weight.subarray(0, s.weight));
      const gdx = r.empty(s.input * 4);
      const k = s.og * a.kernelHeight * a.kernelWidth;
      const launch = {
        m: s.cg,
        n: a.batch * a.inHeight * a.inWidth,
        k,
        problems: a.groups,
        splits: 1,
        splitLen: k,
      };
      launchTiles(r, launch, convBackwardDataProgram, (view) => convUniform(r, a, view), [gdy, gw, gdx]);
      await read(gdx, a.dx, s.input);
      release(gdy, gw, gdx);
    },

    /** Split-K over (image, position) — long reductions on few outputs — then the splits summed. */
    async conv2dBackwardFilter(a) {
      v.convBackwardFilter(a);
      const s = sizes(a);
      const reduction = a.batch * s.plane;
      const tilesM = Math.ceil(s.og / TILE);
      const room = Math.max(1, Math.floor(MAX_GROUPS_X / Math.max(1, a.groups * tilesM)));
      const splits = Math.max(1, Math.min(room, Math.ceil(reduction / SPLIT_LEN)));
      const splitLen = Math.ceil(reduction / splits / TILE) * TILE;
      const gx = r.upload(a.x.subarray(0, s.input));
      const gdy = r.upload(a.dy.subarray(0, s.output));
      const gPartial = r.empty(splits * s.weight * 4);
      const launch = { m: s.og, n: s.k, k: reduction, problems: a.groups * splits, splits, splitLen };
      launchTiles(r, launch, convBackwardFilterProgram, (view) => convUniform(r, a, view), [
        gx,
        gdy,
        gPartial,
      ]);
      let result = gPartial;
      if (splits > 1) {
        result = r.empty(s.weight * 4);
        const params = r.uniform([s.weight, splits], 'uu');
        r.run(sumSplitsProgram(s.weight), [params, gPartial, result]);
        release(params, gPartial);
      }
      await read(result, a.dWeight, s.weight);
      release(gx, gdy, result);
    },

    async gemm(a) {
      v.gemm(a);
      const { m, n, k } = a;
      const ga = r.upload(a.a.subarray(0, m * k));
      const gb = r.upload(a.b.subarray(0, k * n));
      const gOut = a.accumulate ? r.upload(a.out.subarray(0, m * n)) : r.empty(m * n * 4);
      const flags = [a.transA, a.transB, a.accumulate].map(Number);
      launchTiles(
        r,
        { m, n, k, problems: 1, splits: 1, splitLen: k },
        gemmProgram,
        (w) => r.uniform([m, n, k, w.colBase, w.tilesM, 1, k, ...flags], 'uuuuuuuuuu'),
        [ga, gb, gOut],
      );
      await read(gOut, a.out, m * n);
      release(ga, gb, gOut);
    },

    async channelSums(a) {
      v.channelSums(a);
      const n = a.outer * a.channels * a.inner;
      const gd = r.upload(a.data.subarray(0, n));
      const gOut = r.empty(a.channels * 4);
      const params = r.uniform([a.outer, a.channels, a.inner], 'uuu');
      if (a.channels > 0) r.run(channelSumsProgram(a.channels), [params, gd, gOut]);
      await read(gOut, a.out, a.channels);
      release(gd, gOut, params);
    },

    async sgdUpdate(a) {
      v.sgd(a);
      const n = a.param.length;
      const gp = r.upload(a.param);
      const gg = r.upload(a.grad.subarray(0, n));
      const gv = r.upload(a.velocity.subarray(0, n));
      const params = r.uniform([n, a.nesterov ? 1 : 0, 0, 0, a.lr, a.momentum, a.weightDecay], 'uuuufff');
      if (n > 0) r.run(sgdProgram(n), [params, gp, gg, gv]);
      await read(gp, a.param, n);
      await read(gv, a.velocity, n);
      release(gp, gg, gv, params);
    },

    async adamwUpdate(a) {
      v.adamw(a);
      const n = a.param.length;
      const gp = r.upload(a.param);
      const gg = r.upload(a.grad.subarray(0, n));
      const gm = r.upload(a.m.subarray(0, n));
      const gv = r.upload(a.v.subarray(0, n));
      const c1 = 1 - a.beta1 ** a.step;
      const c2 = 1 - a.beta2 ** a.step;
      const keep = 1 - a.lr * a.weightDecay;
      const params = r.uniform([n, 0, 0, 0, a.lr, a.beta1, a.beta2, a.eps, keep, c1, c2], 'uuuufffffff');
      if (n > 0) r.run(adamwProgram(n), [params, gp, gg, gm, gv]);
      await read(gp, a.param, n);
      await read(gm, a.m, n);
      await read(gv, a.v, n);
      release(gp, gg, gm, gv, params);
    },
  };
}

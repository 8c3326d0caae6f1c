/// <reference types="@webgpu/types" />
// The WebGPU BatchNorm-by-batch-statistics and activation kernels: operands uploaded, a per-channel
// reduction then a per-value pass, results read back — the WASM kernels' per-call contract.
import type { Activation, Kernels } from '../api';
import * as v from '../validate';
import {
  activationBackwardProgram,
  activationForwardProgram,
  batchNormApplyProgram,
  batchNormGradInputProgram,
  batchNormGradSumsProgram,
  batchNormStatsProgram,
  channelLanes,
} from './norm-programs';
import { Runner, release } from './program';

type NormKernelName = 'batchNormForward' | 'batchNormBackward' | 'activationForward' | 'activationBackward';

/** The activation programs' uniform after `n`: kind, hasLo, hasHi, a, b (see norm-programs.ts). */
function activationUniform(r: Runner, n: number, a: Activation): GPUBuffer {
  if (a.kind === 'relu') return r.uniform([n, 0, 0, 0, 0, 0], 'uuuuff');
  if (a.kind === 'leakyRelu') return r.uniform([n, 1, 0, 0, a.alpha ?? 0.01, 0], 'uuuuff');
  const [hasLo, hasHi] = [a.min !== undefined, a.max !== undefined].map(Number);
  return r.uniform([n, 2, hasLo, hasHi, a.min ?? 0, a.max ?? 0], 'uuuuff');
}

export function makeNormKernels(r: Runner): Pick<Kernels, NormKernelName> {
  const read = async (buffer: GPUBuffer, n: number) => new Float32Array(await r.read(buffer, n * 4));

  return {
    async batchNormForward(a) {
      v.batchNormForward(a);
      const { outer, channels: c, inner } = a;
      const n = outer * c * inner;
      const gx = r.upload(a.x.subarray(0, n));
      const gScale = r.upload(a.scale.subarray(0, c));
      const gBias = r.upload(a.bias.subarray(0, c));
      const gStats = r.empty(3 * c * 4);
      const gOut = r.empty(n * 4);
      const p1 = r.uniform([outer, c, inner, 0, a.eps], 'uuuuf');
      const p2 = r.uniform([n, c, inner], 'uuu');
      if (c > 0) r.run(batchNormStatsProgram(c, channelLanes(outer * inner)), [p1, gx, gStats]);
      if (n > 0) r.run(batchNormApplyProgram(n), [p2, gx, gStats, gScale, gBias, gOut]);
      const stats = await read(gStats, 3 * c);
      a.out.set(await read(gOut, n));
      for (let k = 0; k < c; k++) {
        a.mean[k] = stats[3 * k];
        a.variance[k] = stats[3 * k + 1];
        a.invStd[k] = stats[3 * k + 2];
      }
      release(gx, gScale, gBias, gStats, gOut, p1, p2);
    },

    async batchNormBackward(a) {
      v.batchNormBackward(a);
      const { outer, channels: c, inner } = a;
      const n = outer * c * inner;
      const gx = r.upload(a.x.subarray(0, n));
      const gdy = r.upload(a.dy.subarray(0, n));
      const gMean = r.upload(a.mean.subarray(0, c));
      const gInv = r.upload(a.invStd.subarray(0, c));
      const gSums = r.empty(2 * c * 4);
      const p1 = r.uniform([outer, c, inner], 'uuu');
      const lanes = channelLanes(outer * inner);
      if (c > 0) r.run(batchNormGradSumsProgram(c, lanes), [p1, gx, gdy, gMean, gInv, gSums]);
      if (a.dx && n > 0) {
        const gScale = r.upload(a.scale.subarray(0, c));
        const gdx = r.empty(n * 4);
        const p2 = r.uniform([n, c, inner, outer * inner], 'uuuu');
        r.run(batchNormGradInputProgram(n), [p2, gx, gdy, gScale, gMean, gInv, gSums, gdx]);
        a.dx.set(await read(gdx, n));
        release(gScale, gdx, p2);
      }
      const sums = await read(gSums, 2 * c);
      for (let k = 0; k < c; k++) {
        a.dScale[k] = sums[2 * k];
        a.dBias[k] = sums[2 * k + 1];
      }
      release(gx, gdy, gMean, gInv, gSums, p1);
    },

    async activationForward(a) {
      v.activationForward(a);
      const n = a.x.length;
      if (n === 0) return;
      const gx = r.upload(a.x);
      const gOut = r.empty(n * 4);
      const params = activationUniform(r, n, a.activation);
      r.run(activationForwardProgram(n), [params, gx, gOut]);
      a.out.set(await read(gOut, n));
      release(gx, gOut, params);
    },

    async activationBackward(a) {
      v.activationBackward(a);
      const n = a.x.length;
      if (n === 0) return;
      const gx = r.upload(a.x);
      const gdy = r.upload(a.dy.subarray(0, n));
      const gdx = r.empty(n * 4);
      const params = activationUniform(r, n, a.activation);
      r.run(activationBackwardProgram(n), [params, gx, gdy, gdx]);
      a.dx.set(await read(gdx, n));
      release(gx, gdy, gdx, params);
    },
  };
}

/// <reference types="@webgpu/types" />
// The WebGPU backend: WGSL programs for the data-parallel kernels, training included. The
// Cholesky ridge solve (a chain of dependent pivots) and patch gathering go to a CPU backend
// instead, and say so in `delegated`.
import { int8Min } from '../api';
import type { KernelBackend, Kernels, KernelName, TrainKernelName } from '../api';
import { createReferenceBackend } from '../reference';
import * as v from '../validate';
import { crossProgram, distanceProgram, normsProgram } from './linalg-programs';
import {
  channelMinMaxProgram,
  entropyProgram,
  histogramProgram,
  minMaxProgram,
  mseProgram,
  percentileEdgesProgram,
  prefixSumProgram,
} from './observer-programs';
import { dequantizeProgram, quantizeProgram, scaleSearchProgram } from './quant-programs';
import { Runner, release } from './program';
import { makeTrainKernels } from './train';

export { setWebGpuDebug } from './program';

/** `true` where a WebGPU adapter can be requested, else why not. */
export function webGpuAvailable(): true | string {
  if (typeof navigator === 'undefined') return 'no navigator: WebGPU exists only in browsers';
  if (!('gpu' in navigator) || !navigator.gpu)
    return 'navigator.gpu is missing (WebGPU disabled or unsupported)';
  return true;
}

const CHUNK_BYTES = 64 << 20;
const STREAM_GROUPS = 256;

/** Kernels the GPU hands to a CPU backend. */
type CpuKernel = 'ridgeSolve' | 'patchRows';

function makeKernels(r: Runner, cpu: KernelBackend): Omit<Kernels, CpuKernel | TrainKernelName> {
  const rowsPerChunk = (rowFloats: number): number =>
    Math.max(1, Math.floor(CHUNK_BYTES / 4 / Math.max(1, rowFloats)));

  /** Xᵀ·Y accumulated into `out` over row chunks (X = Y for a Gram). */
  async function cross(
    x: Float32Array,
    y: Float32Array,
    rows: number,
    dx: number,
    dy: number,
    out: Float32Array,
  ) {
    const gOut = r.upload(out.subarray(0, dx * dy));
    const step = rowsPerChunk(dx + dy);
    const program = crossProgram(dx, dy);
    for (let r0 = 0; r0 < rows; r0 += step) {
      const n = Math.min(step, rows - r0);
      const gx = r.upload(x.subarray(r0 * dx, (r0 + n) * dx));
      const gy = x === y ? gx : r.upload(y.subarray(r0 * dy, (r0 + n) * dy));
      const params = r.uniform([n, dx, dy], 'uuu');
      r.run(program, [params, gx, gy, gOut]);
      release(params, gx);
      if (gy !== gx) release(gy);
    }
    out.set(new Float32Array(await r.read(gOut, dx * dy * 4)));
    release(gOut);
  }

  return {
    async filterNorms(a) {
      v.filterMatrix(a);
      const gw = r.upload(a.weights.subarray(0, a.filters * a.size));
      const gOut = r.empty(a.filters * 4);
      const params = r.uniform([a.filters, a.size, a.norm === 'l1' ? 1 : 0], 'uuu');
      r.run(normsProgram(a.filters), [params, gw, gOut]);
      a.out.set(new Float32Array(await r.read(gOut, a.filters * 4)));
      release(gw, gOut, params);
    },

    async distanceSums(a) {
      v.filterMatrix(a);
      const { filters: f, size: k } = a;
      // G = W·Wᵀ is the Gram of Wᵀ (rows = K): transpose once on the host, O(F·K).
      const wt = new Float32Array(f * k);
      for (let i = 0; i < f; i++) for (let j = 0; j < k; j++) wt[j * f + i] = a.weights[i * k + j];
      const gram = new Float32Array(f * f);
      await cross(wt, wt, k, f, f, gram);
      const gg = r.upload(gram);
      const gOut = r.empty(f * 4);
      const params = r.uniform([f], 'u');
      r.run(distanceProgram(f), [params, gg, gOut]);
      a.out.set(new Float32Array(await r.read(gOut, f * 4)));
      release(gg, gOut, params);
    },

    async gramAccumulate(a) {
      v.gram(a);
      await cross(a.x, a.x, a.rows, a.cols, a.cols, a.out);
    },

    async crossAccumulate(a) {
      v.cross(a);
      await cross(a.x, a.y, a.rows, a.xCols, a.yCols, a.out);
    },

    async minMax(a) {
      const step = CHUNK_BYTES / 4;
      for (let i = 0; i < a.data.length; i += step) {
        const n = Math.min(step, a.data.length - i);
        const groups = Math.min(STREAM_GROUPS, Math.ceil(n / 256));
        const gd = r.upload(a.data.subarray(i, i + n));
        const gOut = r.empty(groups * 8);
        const params = r.uniform([n, 0, 0, Infinity], 'uuuf');
        r.run(minMaxProgram(groups), [params, gd, gOut]);
        const parts = new Float32Array(await r.read(gOut, groups * 8));
        release(gd, gOut, params);
        for (let g = 0; g < groups; g++) {
          if (parts[2 * g] < a.minmax[0]) a.minmax[0] = parts[2 * g];
          if (parts[2 * g + 1] > a.minmax[1]) a.minmax[1] = parts[2 * g + 1];
        }
      }
    },

    async minMaxPerChannel(a) {
      const [outer, channels, inner] = v.channelView(a);
      const gd = r.upload(a.data.subarray(0, outer * channels * inner));
      const gOut = r.empty(channels * 8);
      const params = r.uniform([outer, channels, inner, Infinity], 'uuuf');
      r.run(channelMinMaxProgram(channels), [params, gd, gOut]);
      const parts = new Float32Array(await r.read(gOut, channels * 8));
      release(gd, gOut, params);
      for (let c = 0; c < channels; c++) {
        if (parts[2 * c] < a.mins[c]) a.mins[c] = parts[2 * c];
        if (parts[2 * c + 1] > a.maxs[c]) a.maxs[c] = parts[2 * c + 1];
      }
    },

    async histogram(a) {
      v.histogram(a);
      const bins = a.counts.length;
      const lo = Math.fround(a.lo);
      const scale = Math.fround(bins / Math.fround(Math.fround(a.hi) - lo));
      const gc = r.upload(a.counts);
      const step = CHUNK_BYTES / 4;
      for (let i = 0; i < a.data.length; i += step) {
        const n = Math.min(step, a.data.length - i);
        const gd = r.upload(a.data.subarray(i, i + n));
        const params = r.uniform([n, bins, a.absolute ? 1 : 0, 0, lo, scale], 'uuuuff');
        r.run(histogramProgram(Math.min(STREAM_GROUPS, Math.ceil(n / 256))), [params, gd, gc]);
        release(gd, params);
      }
      a.counts.set(new Uint32Array(await r.read(gc, bins * 4)));
      release(gc);
    },

    /**
     * Prefix sums on the GPU, then one thread per bin finds the two edges. The threshold is the
     * reference's need = p/100 · total in f64, rounded up (running counts are integers), so the bins
     * agree exactly. A histogram of 2^32 samples or more overflows u32 sums: the CPU backend takes it.
     */
    async percentileRange(a) {
      const bins = a.counts.length;
      const gc = r.upload(a.counts);
      const gcum = r.empty(bins * 4);
      const gflags = r.empty(8);
      const params = r.uniform([bins, Math.ceil(bins / 256)], 'uu');
      r.run(prefixSumProgram(), [params, gc, gcum, gflags]);
      const [wrapped, total] = new Uint32Array(await r.read(gflags, 8));
      release(gc, gflags, params);
      if (wrapped) {
        release(gcum);
        return cpu.percentileRange(a);
      }
      if (total === 0) {
        release(gcum);
        return { min: a.lo, max: a.hi };
      }
      const need = (a.percentile / 100) * total;
      let [lower, upper] = [0, bins - 1];
      if (need <= total) {
        const gedges = r.upload(Uint32Array.of(bins - 1, 0));
        const p2 = r.uniform([bins, Math.ceil(need), total], 'uuu');
        r.run(percentileEdgesProgram(bins), [p2, gcum, gedges]);
        [upper, lower] = new Uint32Array(await r.read(gedges, 8));
        release(gedges, p2);
      }
      release(gcum);
      const width = (a.hi - a.lo) / bins;
      return { min: a.lo + lower * width, max: a.lo + (upper + 1) * width };
    },

    async entropyRange(a) {
      v.entropy(a);
      const bins = a.counts.length;
      const n = bins - a.start + 1;
      const gc = r.upload(a.counts);
      const gd = r.empty(n * 4);
      const params = r.uniform([bins, a.levels, a.start, n, Infinity], 'uuuuf');
      r.run(entropyProgram(n), [params, gc, gd]);
      const div = new Float32Array(await r.read(gd, n * 4));
      release(gc, gd, params);
      let best = 0;
      for (let i = 1; i < n; i++) if (div[i] < div[best]) best = i;
      if (a.divergences) for (let i = 0; i < n; i++) a.divergences[i] = div[i];
      const t = ((best + a.start) * a.hi) / bins;
      return { min: -t, max: t };
    },

    async mseRange(a) {
      v.mse(a);
      const bins = a.counts.length;
      const lo = Math.fround(a.lo);
      const hi = Math.fround(a.hi);
      const extent = Math.max(Math.abs(lo), Math.abs(hi));
      const thresholds = new Float32Array(a.candidates);
      for (let k = 0; k < a.candidates; k++) thresholds[k] = (extent * (k + 1)) / a.candidates;
      const gc = r.upload(a.counts);
      const gt = r.upload(thresholds);
      const ge = r.empty(a.candidates * 4);
      const width = Math.fround((hi - lo) / bins);
      const params = r.uniform([bins, a.candidates, 0, 0, lo, width, extent, a.qmax], 'uuuuffff');
      r.run(mseProgram(a.candidates), [params, gc, gt, ge]);
      const err = new Float32Array(await r.read(ge, a.candidates * 4));
      release(gc, gt, ge, params);
      let best = 0;
      for (let k = 1; k < a.candidates; k++) if (err[k] < err[best]) best = k;
      if (a.errors) for (let k = 0; k < a.candidates; k++) a.errors[k] = err[k];
      return { min: -thresholds[best], max: thresholds[best] };
    },

    async scaleSearch(a) {
      v.scaleSearch(a);
      const gw = r.upload(a.weights.subarray(0, a.channels * a.size));
      const gs = r.empty(a.channels * 4);
      const params = r.uniform(
        [a.channels, a.size, a.steps, 0, int8Min(a.range), a.minRatio, Infinity],
        'uuuufff',
      );
      r.run(scaleSearchProgram(a.channels), [params, gw, gs]);
      a.scales.set(new Float32Array(await r.read(gs, a.channels * 4)));
      release(gw, gs, params);
    },

    async quantizeInt8(a) {
      v.quantize(a);
      const n = a.channels * a.size;
      const words = Math.ceil(n / 4);
      const gw = r.upload(a.weights.subarray(0, n));
      const gs = r.upload(a.scales.subarray(0, a.channels));
      const gOut = r.empty(words * 4);
      const params = r.uniform([n, a.size, words, 0, int8Min(a.range)], 'uuuuf');
      r.run(quantizeProgram(words), [params, gw, gs, gOut]);
      a.out.set(new Int8Array(await r.read(gOut, words * 4), 0, n));
      release(gw, gs, gOut, params);
    },

    async dequantizeInt8(a) {
      v.dequantize(a);
      const n = a.channels * a.size;
      const packed = new Int8Array(Math.ceil(n / 4) * 4);
      packed.set(a.q.subarray(0, n));
      const gq = r.upload(packed);
      const gs = r.upload(a.scales.subarray(0, a.channels));
      const gOut = r.empty(n * 4);
      const params = r.uniform([n, a.size], 'uu');
      r.run(dequantizeProgram(n), [params, gq, gs, gOut]);
      a.out.set(new Float32Array(await r.read(gOut, n * 4)));
      release(gq, gs, gOut, params);
    },
  };
}

/**
 * The WebGPU backend. `cpu` runs the kernels that do not map onto a GPU (default: the reference;
 * pass the WASM backend where it exists).
 */
export async function createWebGpuBackend(
  cpu: KernelBackend = createReferenceBackend(),
): Promise<KernelBackend> {
  const why = webGpuAvailable();
  if (why !== true) throw new Error(why);
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned no adapter');
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const runner = new Runner(device);
  const delegated: Partial<Record<KernelName, string>> = {
    ridgeSolve: `Cholesky is a chain of dependent pivots: runs on ${cpu.name}`,
  };
  delegated.patchRows = `patch gathering without a WGSL program yet (its rows feed a Gram on the GPU by copy anyway): runs on ${cpu.name}`;
  return {
    name: 'webgpu',
    delegated,
    dispose: () => device.destroy(),
    ...makeKernels(runner, cpu),
    ...makeTrainKernels(runner),
    ridgeSolve: (a) => cpu.ridgeSolve(a),
    patchRows: (a) => cpu.patchRows(a),
  };
}

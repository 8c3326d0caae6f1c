// The WASM SIMD backend: each kernel copies its inputs into the arena, runs the AssemblyScript
// export, and copies results out. Streaming kernels (Gram, observers) feed rows in bounded chunks
// so memory stays near CHUNK_BYTES however large the batch.
import { check, int8Min } from '../api';
import type { KernelBackend, Kernels, TrainKernelName } from '../api';
import { makeTrainKernels } from './train';
import * as v from '../validate';
import { Arena } from './arena';
import { instantiateKernels, wasmSimdSupported } from './module';
import type { WasmExports, WasmLoader } from './module';

export type { WasmLoader } from './module';
export { wasmSimdSupported } from './module';

const CHUNK_BYTES = 16 << 20;

function makeKernels(w: WasmExports): Kernels {
  const arena = new Arena(w.memory, w.heapBase());
  return { ...makeCalibrationKernels(w, arena), ...makeTrainKernels(w, arena) };
}

function makeCalibrationKernels(w: WasmExports, arena: Arena): Omit<Kernels, TrainKernelName> {
  /** Rows per chunk for a row of `rowFloats` f32 values. */
  const rowsPerChunk = (rowFloats: number): number =>
    Math.max(1, Math.floor(CHUNK_BYTES / 4 / Math.max(1, rowFloats)));

  return {
    async filterNorms(a) {
      v.filterMatrix(a);
      const n = a.filters * a.size;
      const pw = arena.reset().reserve(n * 4);
      const po = arena.reserve(a.filters * 4);
      arena.commit();
      arena.f32(pw, n).set(a.weights.subarray(0, n));
      w.filterNorms(pw, a.filters, a.size, a.norm === 'l1' ? 1 : 2, po);
      a.out.set(arena.f32(po, a.filters));
    },

    async distanceSums(a) {
      v.filterMatrix(a);
      const { filters: f, size: k } = a;
      const pw = arena.reset().reserve(f * k * 4);
      const pt = arena.reserve(f * k * 4);
      const pg = arena.reserve(f * f * 4);
      const po = arena.reserve(f * 4);
      arena.commit();
      arena.f32(pw, f * k).set(a.weights.subarray(0, f * k));
      w.distanceSums(pw, f, k, pt, pg, po);
      a.out.set(arena.f32(po, f));
    },

    async gramAccumulate(a) {
      v.gram(a);
      const { rows, cols } = a;
      const step = rowsPerChunk(cols);
      const po = arena.reset().reserve(cols * cols * 4);
      const px = arena.reserve(Math.min(step, rows) * cols * 4);
      arena.commit();
      const out = arena.f32(po, cols * cols);
      out.set(a.out.subarray(0, cols * cols));
      for (let r = 0; r < rows; r += step) {
        const n = Math.min(step, rows - r);
        arena.f32(px, n * cols).set(a.x.subarray(r * cols, (r + n) * cols));
        w.crossAccumulate(px, px, n, cols, cols, po, 1);
      }
      a.out.set(out);
    },

    async crossAccumulate(a) {
      v.cross(a);
      const { rows, xCols, yCols } = a;
      const step = rowsPerChunk(xCols + yCols);
      const po = arena.reset().reserve(xCols * yCols * 4);
      const px = arena.reserve(Math.min(step, rows) * xCols * 4);
      const py = arena.reserve(Math.min(step, rows) * yCols * 4);
      arena.commit();
      const out = arena.f32(po, xCols * yCols);
      out.set(a.out.subarray(0, xCols * yCols));
      for (let r = 0; r < rows; r += step) {
        const n = Math.min(step, rows - r);
        arena.f32(px, n * xCols).set(a.x.subarray(r * xCols, (r + n) * xCols));
        arena.f32(py, n * yCols).set(a.y.subarray(r * yCols, (r + n) * yCols));
        w.crossAccumulate(px, py, n, xCols, yCols, po, 0);
      }
      a.out.set(out);
    },

    async patchRows(a) {
      v.patchRows(a);
      const plane = a.inHeight * a.inWidth;
      const perImage = a.outHeight * a.outWidth;
      const planes = a.channels.length;
      const width = planes * a.kernelHeight * a.kernelWidth;
      // One image at a time: only its kept planes enter the arena, and rows go out in chunks.
      const step = rowsPerChunk(width);
      const pg = arena.reset().reserve(11 * 4);
      const px = arena.reserve(planes * plane * 4);
      const pp = arena.reserve(Math.min(step, a.positions.length) * 4);
      const po = arena.reserve(Math.min(step, a.positions.length) * width * 4);
      arena.commit();
      const geometry = arena.i32(pg, 11);
      geometry.set([a.inHeight, a.inWidth, a.outWidth, a.kernelHeight, a.kernelWidth, a.strideH, a.strideW]);
      geometry.set([a.padTop, a.padLeft, a.dilationH, a.dilationW], 7);
      const xs = arena.f32(px, planes * plane);
      let loaded = -1;
      for (let r = 0; r < a.positions.length;) {
        const image = Math.floor(a.positions[r] / perImage);
        let end = r + 1;
        while (
          end < a.positions.length &&
          end - r < step &&
          Math.floor(a.positions[end] / perImage) === image
        )
          end++;
        if (image !== loaded) {
          for (let c = 0; c < planes; c++) {
            const from = (image * a.inChannels + a.channels[c]) * plane;
            xs.set(a.x.subarray(from, from + plane), c * plane);
          }
          loaded = image;
        }
        const local = arena.i32(pp, end - r);
        for (let i = r; i < end; i++) local[i - r] = a.positions[i] - image * perImage;
        w.patchRows(pg, px, planes, pp, end - r, po, width);
        const rows = arena.f32(po, (end - r) * width);
        if (a.rowStride === width) a.out.set(rows, r * width);
        else
          for (let i = r; i < end; i++)
            a.out.set(rows.subarray((i - r) * width, (i - r + 1) * width), i * a.rowStride);
        r = end;
      }
    },

    async ridgeSolve(a) {
      v.ridge(a);
      const { size: d, cols: e } = a;
      const pg = arena.reset().reserve(d * d * 4);
      const pr = arena.reserve(d * e * 4);
      const pl = arena.reserve(d * d * 8);
      const pz = arena.reserve(d * e * 8);
      const po = arena.reserve(d * e * 4);
      arena.commit();
      arena.f32(pg, d * d).set(a.gram.subarray(0, d * d));
      arena.f32(pr, d * e).set(a.rhs.subarray(0, d * e));
      const failed = w.ridgeSolve(pg, pr, d, e, a.lambda, pl, pz, po);
      if (failed) throw new RangeError(`ridgeSolve: G + λI is not positive definite (pivot ${failed - 1})`);
      a.out.set(arena.f32(po, d * e));
    },

    async minMax(a) {
      const step = CHUNK_BYTES / 4;
      const pm = arena.reset().reserve(8);
      const pd = arena.reserve(Math.min(step, a.data.length) * 4);
      arena.commit();
      arena.f32(pm, 2).set(a.minmax.subarray(0, 2));
      for (let i = 0; i < a.data.length; i += step) {
        const n = Math.min(step, a.data.length - i);
        arena.f32(pd, n).set(a.data.subarray(i, i + n));
        w.minMax(pd, n, pm);
      }
      a.minmax.set(arena.f32(pm, 2));
    },

    async minMaxPerChannel(a) {
      const [outer, channels, inner] = v.channelView(a);
      const slab = channels * inner;
      const step = rowsPerChunk(slab);
      const pmin = arena.reset().reserve(channels * 4);
      const pmax = arena.reserve(channels * 4);
      const pd = arena.reserve(Math.min(step, outer) * slab * 4);
      arena.commit();
      arena.f32(pmin, channels).set(a.mins.subarray(0, channels));
      arena.f32(pmax, channels).set(a.maxs.subarray(0, channels));
      for (let o = 0; o < outer; o += step) {
        const n = Math.min(step, outer - o);
        arena.f32(pd, n * slab).set(a.data.subarray(o * slab, (o + n) * slab));
        w.minMaxPerChannel(pd, n, channels, inner, pmin, pmax);
      }
      a.mins.set(arena.f32(pmin, channels));
      a.maxs.set(arena.f32(pmax, channels));
    },

    async histogram(a) {
      v.histogram(a);
      const bins = a.counts.length;
      const step = CHUNK_BYTES / 4;
      const pc = arena.reset().reserve(bins * 4);
      const pd = arena.reserve(Math.min(step, a.data.length) * 4);
      arena.commit();
      arena.u32(pc, bins).set(a.counts);
      for (let i = 0; i < a.data.length; i += step) {
        const n = Math.min(step, a.data.length - i);
        arena.f32(pd, n).set(a.data.subarray(i, i + n));
        w.histogram(pd, n, a.lo, a.hi, bins, pc, a.absolute ? 1 : 0);
      }
      a.counts.set(arena.u32(pc, bins));
    },

    async percentileRange(a) {
      const bins = a.counts.length;
      const pc = arena.reset().reserve(bins * 4);
      const pout = arena.reserve(8);
      arena.commit();
      arena.u32(pc, bins).set(a.counts);
      if (w.percentileBins(pc, bins, a.percentile, pout) === 0) return { min: a.lo, max: a.hi };
      const [lower, upper] = arena.i32(pout, 2);
      const width = (a.hi - a.lo) / bins;
      return { min: a.lo + lower * width, max: a.lo + (upper + 1) * width };
    },

    async entropyRange(a) {
      v.entropy(a);
      const bins = a.counts.length;
      const n = bins - a.start + 1;
      const pc = arena.reset().reserve(bins * 4);
      const pdiv = arena.reserve(n * 8);
      const pre = arena.reserve(3 * (bins + 1) * 8);
      arena.commit();
      arena.u32(pc, bins).set(a.counts);
      const best = w.entropySearch(pc, bins, a.levels, a.start, pdiv, pre);
      if (a.divergences) a.divergences.set(arena.f64(pdiv, n));
      const t = (best * a.hi) / bins;
      return { min: -t, max: t };
    },

    async mseRange(a) {
      v.mse(a);
      const bins = a.counts.length;
      const pc = arena.reset().reserve(bins * 4);
      const perr = arena.reserve(a.candidates * 8);
      const pstage = arena.reserve(bins * 8);
      arena.commit();
      arena.u32(pc, bins).set(a.counts);
      const best = w.mseSearch(pc, bins, a.lo, a.hi, a.qmax, a.candidates, perr, pstage);
      if (a.errors) a.errors.set(arena.f64(perr, a.candidates));
      const extent = Math.max(Math.abs(Math.fround(a.lo)), Math.abs(Math.fround(a.hi)));
      const t = Math.fround((extent * (best + 1)) / a.candidates);
      return { min: -t, max: t };
    },

    async scaleSearch(a) {
      v.scaleSearch(a);
      const n = a.channels * a.size;
      const pw = arena.reset().reserve(n * 4);
      const ps = arena.reserve(a.channels * 4);
      arena.commit();
      arena.f32(pw, n).set(a.weights.subarray(0, n));
      w.scaleSearch(pw, a.channels, a.size, int8Min(a.range), 127, a.steps, a.minRatio, ps);
      a.scales.set(arena.f32(ps, a.channels));
    },

    async quantizeInt8(a) {
      v.quantize(a);
      const n = a.channels * a.size;
      const pw = arena.reset().reserve(n * 4);
      const ps = arena.reserve(a.channels * 4);
      const po = arena.reserve(n);
      arena.commit();
      arena.f32(pw, n).set(a.weights.subarray(0, n));
      arena.f32(ps, a.channels).set(a.scales.subarray(0, a.channels));
      w.quantize(pw, a.channels, a.size, ps, int8Min(a.range), 127, po);
      a.out.set(arena.i8(po, n));
    },

    async dequantizeInt8(a) {
      v.dequantize(a);
      const n = a.channels * a.size;
      const pq = arena.reset().reserve(n);
      const ps = arena.reserve(a.channels * 4);
      const po = arena.reserve(n * 4);
      arena.commit();
      arena.i8(pq, n).set(a.q.subarray(0, n));
      arena.f32(ps, a.channels).set(a.scales.subarray(0, a.channels));
      w.dequantize(pq, a.channels, a.size, ps, po);
      a.out.set(arena.f32(po, n));
    },
  };
}

/** The WASM SIMD backend; rejects where the engine lacks fixed-width SIMD. */
export async function createWasmBackend(load: WasmLoader): Promise<KernelBackend> {
  check(wasmSimdSupported(), 'WebAssembly SIMD is not supported by this engine');
  const exports = await instantiateKernels(load);
  return {
    name: 'wasm',
    delegated: {},
    dispose() {},
    ...makeKernels(exports),
  };
}

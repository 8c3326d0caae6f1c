// The one kernel suite: every case runs a backend against the reference oracle on fresh random
// inputs of awkward sizes, plus properties the math guarantees (which also test the oracle).
// Shared by tests/kernels/kernels.test.ts (Node) and kernels-test.html (browser, via e2e).
import { referenceKernels as ref } from '../../src/kernels';
import type { KernelBackend, KernelName, Int8Range } from '../../src/kernels';
import { close, ok, withinLsb } from './check';
import { absHistogram, activations, normals } from './random';
import type { Rng } from './random';
import { tolerancesFor } from './tolerances';
import { patchKernelCases } from './patch-cases';
import { trainKernelCases } from './train-cases';
import { engineCases } from './engine-cases';

export interface KernelCase {
  name: string;
  /** The kernels the case exercises: what a backend's `delegated` says about them is reported. */
  kernels: readonly KernelName[];
  run(backend: KernelBackend, rng: Rng): Promise<void>;
}

/** Where `backend` runs the case's kernels: its own name, or the reasons it hands them elsewhere. */
export function implementationOf(backend: KernelBackend, c: KernelCase): string {
  const away = c.kernels.filter((k) => backend.delegated[k]).map((k) => `${k}: ${backend.delegated[k]}`);
  return away.length ? `delegated (${away.join('; ')})` : backend.name;
}

const FILTER_SHAPES: [number, number][] = [
  [1, 1],
  [7, 3],
  [33, 147],
  [65, 1153],
];

/** Column sums of squares of a row-major [rows, cols] matrix (for Cauchy–Schwarz scales). */
function columnSquares(x: Float32Array, rows: number, cols: number): Float64Array {
  const s = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) s[c] += x[r * cols + c] ** 2;
  return s;
}

/**
 * Rounding scale of each filter's distance sum when distances come from a Gram matrix:
 * d = √(‖a‖² + ‖b‖² − 2a·b) rounds the squared form by about ε(‖a‖² + ‖b‖²), which moves d by that
 * over 2d — growing as two filters get close — on top of the sum of norms.
 */
function gramDistanceScale(weights: Float32Array, f: number, k: number): Float64Array {
  const sq = new Float64Array(f);
  for (let i = 0; i < f; i++) for (let t = 0; t < k; t++) sq[i] += weights[i * k + t] ** 2;
  const normSum = sq.reduce((s, v) => s + Math.sqrt(v), 0);
  const scale = new Float64Array(f);
  for (let i = 0; i < f; i++) {
    scale[i] = normSum + f * Math.sqrt(sq[i]);
    for (let j = 0; j < f; j++) {
      if (j === i) continue;
      let d2 = 0;
      for (let t = 0; t < k; t++) d2 += (weights[i * k + t] - weights[j * k + t]) ** 2;
      scale[i] += (sq[i] + sq[j]) / (2 * Math.max(Math.sqrt(d2), 1e-12));
    }
  }
  return scale;
}

const calibrationCases: KernelCase[] = [
  {
    name: 'filterNorms l1 and l2',
    kernels: ['filterNorms'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [f, k] of FILTER_SHAPES) {
        const weights = normals(rng, f * k, 0.05);
        for (const norm of ['l1', 'l2'] as const) {
          const got = new Float32Array(f);
          const want = new Float32Array(f);
          await b.filterNorms({ weights, filters: f, size: k, norm, out: got });
          ref.filterNorms({ weights, filters: f, size: k, norm, out: want });
          close(`${norm} ${f}×${k}`, got, want, tol.f32);
        }
      }
    },
  },
  {
    name: 'distanceSums (FPGM) via Gram',
    kernels: ['distanceSums'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [f, k] of [
        [1, 5],
        [3, 1],
        [17, 75],
        [67, 577],
        [130, 27],
      ]) {
        const weights = normals(rng, f * k, 0.1);
        const got = new Float32Array(f);
        const want = new Float32Array(f);
        await b.distanceSums({ weights, filters: f, size: k, out: got });
        ref.distanceSums({ weights, filters: f, size: k, out: want });
        const scale = gramDistanceScale(weights, f, k);
        close(`distances ${f}×${k}`, got, want, tol.f32Gram, (i) => scale[i]);
        if (f === 1) ok(got[0] === 0, 'one filter is at distance 0 from itself');
      }
    },
  },
  {
    name: 'gramAccumulate over two batches',
    kernels: ['gramAccumulate'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [rows, cols] of [
        [1, 1],
        [5, 3],
        [130, 37],
        [301, 131],
      ]) {
        const x1 = activations(rng, rows * cols);
        const x2 = normals(rng, rows * cols);
        const got = new Float32Array(cols * cols);
        const want = new Float32Array(cols * cols);
        for (const x of [x1, x2]) {
          await b.gramAccumulate({ x, rows, cols, out: got });
          ref.gramAccumulate({ x, rows, cols, out: want });
        }
        const sq = columnSquares(x1, rows, cols).map((v, i) => v + columnSquares(x2, rows, cols)[i]);
        close(`gram ${rows}×${cols}`, got, want, tol.f32, (i) =>
          Math.sqrt(sq[Math.floor(i / cols)] * sq[i % cols]),
        );
        for (let i = 0; i < cols; i++)
          for (let j = 0; j < i; j++)
            ok(got[i * cols + j] === got[j * cols + i], `gram not symmetric at (${i}, ${j})`);
      }
    },
  },
  {
    name: 'crossAccumulate XᵀY',
    kernels: ['crossAccumulate'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [rows, xCols, yCols] of [
        [1, 1, 1],
        [9, 5, 3],
        [257, 67, 13],
        [301, 131, 70],
      ]) {
        const x = activations(rng, rows * xCols);
        const y = normals(rng, rows * yCols);
        const start = normals(rng, xCols * yCols);
        const got = start.slice();
        const want = start.slice();
        await b.crossAccumulate({ x, y, rows, xCols, yCols, out: got });
        ref.crossAccumulate({ x, y, rows, xCols, yCols, out: want });
        const sx = columnSquares(x, rows, xCols);
        const sy = columnSquares(y, rows, yCols);
        close(
          `cross ${rows}×${xCols}×${yCols}`,
          got,
          want,
          tol.f32,
          (i) => Math.sqrt(sx[Math.floor(i / yCols)] * sy[i % yCols]) + Math.abs(start[i]),
        );
      }
    },
  },
  {
    name: 'ridgeSolve (Cholesky of XᵀX + λI)',
    kernels: ['ridgeSolve'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [d, e] of [
        [1, 1],
        [3, 5],
        [37, 13],
        [130, 7],
      ]) {
        const rows = d + 50;
        const x = normals(rng, rows * d);
        const y = normals(rng, rows * e);
        const gram = new Float32Array(d * d);
        const rhs = new Float32Array(d * e);
        ref.gramAccumulate({ x, rows, cols: d, out: gram });
        ref.crossAccumulate({ x, y, rows, xCols: d, yCols: e, out: rhs });
        const lambda = 1e-2 * rows;
        const got = new Float32Array(d * e);
        const want = new Float32Array(d * e);
        await b.ridgeSolve({ gram, rhs, size: d, cols: e, lambda, out: got });
        ref.ridgeSolve({ gram, rhs, size: d, cols: e, lambda, out: want });
        const top = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        close(`ridge ${d}×${e}`, got, want, tol.f32, () => top);
        // Residual of the normal equations, the property the solve exists for.
        let worst = 0;
        let rTop = 0;
        for (let i = 0; i < d; i++) {
          for (let c = 0; c < e; c++) {
            let s = lambda * got[i * e + c];
            for (let k = 0; k < d; k++) s += gram[i * d + k] * got[k * e + c];
            worst = Math.max(worst, Math.abs(s - rhs[i * e + c]));
            rTop = Math.max(rTop, Math.abs(rhs[i * e + c]));
          }
        }
        ok(worst <= 1e-4 * rTop * Math.sqrt(d), `ridge ${d}×${e}: residual ${worst} vs ‖R‖∞ ${rTop}`);
      }
      let threw = false;
      try {
        await b.ridgeSolve({
          gram: Float32Array.of(-1),
          rhs: Float32Array.of(1),
          size: 1,
          cols: 1,
          lambda: 0,
          out: new Float32Array(1),
        });
      } catch {
        threw = true;
      }
      ok(threw, 'a negative-definite system must throw');
    },
  },
  {
    name: 'minMax running over batches',
    kernels: ['minMax'],
    async run(b, rng) {
      for (const n of [0, 1, 3, 1001, 100_003]) {
        const got = Float32Array.of(Infinity, -Infinity);
        const want = got.slice();
        for (let batch = 0; batch < 2; batch++) {
          const data = normals(rng, n, 1 + batch);
          await b.minMax({ data, minmax: got });
          ref.minMax({ data, minmax: want });
        }
        withinLsb(`minmax n=${n}`, got, want, 0);
      }
    },
  },
  {
    name: 'minMaxPerChannel along an axis',
    kernels: ['minMaxPerChannel'],
    async run(b, rng) {
      const cases: [number[], number][] = [
        [[2, 3, 5, 7], 1],
        [[4, 9], 1],
        [[3, 5, 1, 1], 1],
        [[2, 13, 11, 17], 1],
        [[5, 6, 7], 0],
        [[3, 4, 10], 2],
      ];
      for (const [shape, axis] of cases) {
        const n = shape.reduce((a, c) => a * c, 1);
        const channels = shape[axis];
        const got = {
          mins: new Float32Array(channels).fill(Infinity),
          maxs: new Float32Array(channels).fill(-Infinity),
        };
        const want = { mins: got.mins.slice(), maxs: got.maxs.slice() };
        for (let batch = 0; batch < 2; batch++) {
          const data = normals(rng, n);
          await b.minMaxPerChannel({ data, shape, axis, ...got });
          ref.minMaxPerChannel({ data, shape, axis, ...want });
        }
        withinLsb(`mins [${shape}] axis ${axis}`, got.mins, want.mins, 0);
        withinLsb(`maxs [${shape}] axis ${axis}`, got.maxs, want.maxs, 0);
      }
    },
  },
  {
    name: 'histogram accumulate (fixed range, edge bins)',
    kernels: ['histogram'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [n, bins, absolute] of [
        [1, 1, false],
        [7, 7, true],
        [50_001, 2048, false],
        [30_011, 333, true],
      ] as const) {
        const lo = absolute ? 0 : -2.5;
        const hi = 2.25;
        const got = new Uint32Array(bins);
        const want = new Uint32Array(bins);
        for (let batch = 0; batch < 2; batch++) {
          const data = normals(rng, n, 1.2);
          if (n > 4) data.set([lo, hi, -100, 100, 0]); // exact edges and out-of-range values
          await b.histogram({ data, lo, hi, absolute, counts: got });
          ref.histogram({ data, lo, hi, absolute, counts: want });
        }
        let total = 0;
        let moved = 0;
        for (let i = 0; i < bins; i++) {
          total += got[i];
          moved += Math.abs(got[i] - want[i]);
        }
        ok(total === 2 * n, `histogram ${n}/${bins}: ${total} counted, ${2 * n} expected`);
        ok(
          moved / 2 <= tol.binMoves * 2 * n,
          `histogram ${n}/${bins}: ${moved / 2} samples in other bins than the reference's`,
        );
      }
    },
  },
  {
    name: 'percentileRange from a histogram',
    kernels: ['percentileRange'],
    async run(b, rng) {
      const histograms = [1, 10, 2048, 4099].map((bins) => {
        const counts = new Uint32Array(bins);
        for (let i = 0; i < bins; i++) counts[i] = rng.int(0, 50);
        return counts;
      });
      histograms.push(new Uint32Array(7)); // empty: the whole range
      histograms.push(Uint32Array.of(3e9, 5, 3e9)); // 2^32 samples or more: u32 sums would wrap
      for (const counts of histograms) {
        const bins = counts.length;
        for (const percentile of [100, 99.99, 99, 50]) {
          const got = await b.percentileRange({ counts, lo: -3, hi: 4, percentile });
          const want = ref.percentileRange({ counts, lo: -3, hi: 4, percentile });
          ok(
            got.min === want.min && got.max === want.max,
            `percentile ${percentile}/${bins}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`,
          );
          ok(got.min <= got.max, 'percentile range inverted');
        }
      }
    },
  },
  {
    name: 'entropyRange (TensorRT KL calibration)',
    kernels: ['entropyRange'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [bins, levels, start] of [
        [2048, 128, 128],
        [301, 16, 19],
        [64, 64, 64],
      ]) {
        const { counts, hi } = absHistogram(rng, 20_000, bins);
        const n = bins - start + 1;
        const got = new Float64Array(n);
        const want = new Float64Array(n);
        const r = await b.entropyRange({ counts, hi, levels, start, divergences: got });
        const w = ref.entropyRange({ counts, hi, levels, start, divergences: want });
        close(`KL ${bins}/${levels}`, got, want, tol.objective, (i) => Math.abs(want[i]) + 1e-3);
        const chosen = Math.round((r.max * bins) / hi) - start;
        const best = Math.round((w.max * bins) / hi) - start;
        ok(
          want[chosen] <= want[best] * (1 + tol.search) + tol.search * 1e-3,
          `KL ${bins}: chose ${chosen + start}, best ${best + start}`,
        );
        ok(
          r.min === -r.max && r.max > 0 && r.max <= hi * (1 + 1e-12),
          'entropy range symmetric within [0, hi]',
        );
      }
    },
  },
  {
    name: 'mseRange (MSE-optimal clipping)',
    kernels: ['mseRange'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [bins, candidates, lo, hi] of [
        [2048, 512, -3.5, 7.25],
        [301, 77, 0, 5],
        [5, 3, -1, 1],
      ]) {
        const counts = new Uint32Array(bins);
        for (let i = 0; i < 20_000; i++) {
          const v = rng.normal() * (rng.next() < 0.02 ? 3 : 1);
          counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
        }
        const got = new Float64Array(candidates);
        const want = new Float64Array(candidates);
        const r = await b.mseRange({ counts, lo, hi, qmax: 127, candidates, errors: got });
        ref.mseRange({ counts, lo, hi, qmax: 127, candidates, errors: want });
        const top = want.reduce((m, v) => Math.max(m, v), 0);
        close(
          `mse errors ${bins}/${candidates}`,
          got,
          want,
          tol.objective,
          (i) => Math.abs(want[i]) + 1e-6 * top,
        );
        const extent = Math.max(Math.abs(lo), Math.abs(hi));
        const chosen = Math.round((r.max * candidates) / extent) - 1;
        const best = want.reduce((m, v) => Math.min(m, v), Infinity);
        ok(
          want[chosen] <= best * (1 + tol.search) + 1e-12 * top,
          `mse ${bins}: chose k=${chosen} (${want[chosen]}) vs best ${best}`,
        );
      }
    },
  },
  {
    name: 'scaleSearch per channel and per tensor',
    kernels: ['scaleSearch'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [channels, size] of [
        [1, 1],
        [3, 7],
        [64, 147],
        [1, 4099],
        [5, 0],
      ]) {
        const weights = normals(rng, channels * size, 0.05);
        if (channels > 2 && size > 0) weights.fill(0, size, 2 * size); // an all-zero channel
        for (const range of ['narrow', 'full'] as Int8Range[]) {
          for (const steps of [1, 40]) {
            const got = new Float32Array(channels);
            const want = new Float32Array(channels);
            const args = { weights, channels, size, range, steps, minRatio: 0.5 };
            await b.scaleSearch({ ...args, scales: got });
            ref.scaleSearch({ ...args, scales: want });
            if (steps === 1) close(`absmax scales ${channels}×${size}`, got, want, tol.scale);
            else {
              // Compare by the objective: the chosen scale's error against the reference optimum.
              const qmin = range === 'full' ? -128 : -127;
              for (let c = 0; c < channels; c++) {
                const err = (s: number): number => {
                  let e = 0;
                  for (let i = 0; i < size; i++) {
                    const w = weights[c * size + i];
                    e += (w - Math.min(Math.max(Math.round(w / s), qmin), 127) * s) ** 2;
                  }
                  return e;
                };
                ok(
                  err(got[c]) <= err(want[c]) * (1 + 1e-3) + 1e-12,
                  `mse scale ch${c}: ${got[c]} vs ${want[c]}`,
                );
              }
            }
          }
        }
      }
    },
  },
  {
    name: 'quantizeInt8 / dequantizeInt8 round trip',
    kernels: ['quantizeInt8', 'dequantizeInt8'],
    async run(b, rng) {
      const tol = tolerancesFor(b.name);
      for (const [channels, size] of [
        [1, 1],
        [3, 7],
        [64, 147],
        [1, 4099],
        [17, 33],
      ]) {
        const n = channels * size;
        const weights = normals(rng, n, 0.05);
        const scales = new Float32Array(channels);
        ref.scaleSearch({ weights, channels, size, range: 'narrow', steps: 1, minRatio: 1, scales });
        // Clip a third of the scales so codes saturate, and plant exact ties (k + 0.5)·s.
        for (let c = 0; c < channels; c += 3) scales[c] *= 0.6;
        for (let i = 0; i < n; i += 11)
          weights[i] = (Math.floor(rng.next() * 20) - 10 + 0.5) * scales[Math.floor(i / size)];
        for (const range of ['narrow', 'full'] as Int8Range[]) {
          const got = new Int8Array(n);
          const want = new Int8Array(n);
          await b.quantizeInt8({ weights, channels, size, scales, range, out: got });
          ref.quantizeInt8({ weights, channels, size, scales, range, out: want });
          withinLsb(`int8 ${channels}×${size} ${range}`, got, want, tol.int8Lsb);
          const lowest = range === 'full' ? -128 : -127;
          ok(
            got.every((q) => q >= lowest),
            `codes below ${lowest}`,
          );
          const back = new Float32Array(n);
          const wantBack = new Float32Array(n);
          await b.dequantizeInt8({ q: want, channels, size, scales, out: back });
          ref.dequantizeInt8({ q: want, channels, size, scales, out: wantBack });
          withinLsb(`dequantize ${channels}×${size}`, back, wantBack, 0);
          for (let i = 0; i < n; i++) {
            const s = scales[Math.floor(i / size)];
            const inRange = Math.abs(weights[i]) <= 126.5 * s;
            ok(
              !inRange || Math.abs(back[i] - weights[i]) <= s * (0.5 + 1e-5),
              `round trip ${i}: ${weights[i]} → ${back[i]}`,
            );
          }
        }
      }
    },
  },
];

export const kernelCases: KernelCase[] = [
  ...calibrationCases,
  ...trainKernelCases,
  ...patchKernelCases,
  ...engineCases,
];

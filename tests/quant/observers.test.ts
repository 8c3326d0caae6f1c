import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/kernels';
import {
  activationParams,
  createObserver,
  GrowingHistogram,
  quantizeBias,
  quantizeWeight,
  type CalibrationMethod,
} from '../../src/core/quant';
import { gaussian, random } from './helpers';

const kernels = createReferenceBackend();

function absMax(data: Float32Array): number {
  let m = 0;
  for (const v of data) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * The observer's edges are the histogram-bin edges around the sample's own q and 1−q quantiles
 * (by sorting): outside them, but by less than one bin. The histogram doubles its extent from the
 * first batch's |max|, so it is below 2·|max| and a bin (of 4096 over ±extent) below |max|/1024.
 */
function expectSampleQuantiles(r: { min: number; max: number }, data: Float32Array, q: number) {
  const sorted = Float64Array.from(data).sort();
  const n = sorted.length;
  const [lo, hi] = [sorted[Math.floor((1 - q) * n)], sorted[Math.ceil(q * n) - 1]];
  const bin = absMax(data) / 1024;
  expect(r.max).toBeGreaterThanOrEqual(hi);
  expect(r.max).toBeLessThan(hi + bin);
  expect(r.min).toBeLessThanOrEqual(lo);
  expect(r.min).toBeGreaterThan(lo - bin);
}

/** Feeds `data` to a fresh observer in batches of `batch`. */
async function observe(method: CalibrationMethod, data: Float32Array, batch = 10_000, extra = {}) {
  const o = createObserver(kernels, { method, ...extra });
  for (let i = 0; i < data.length; i += batch) await o.update(data.subarray(i, i + batch));
  return o.result();
}

describe('range observers on known distributions', () => {
  const normal = gaussian(200_000, 1);
  const uniform = Float32Array.from({ length: 100_000 }, random(2)).map((u) => 4 * u - 1); // U(−1, 3)

  it('min/max is the exact extent, whatever the batching', async () => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of normal) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(await observe('minmax', normal, 7_777)).toEqual({ min: lo, max: hi });
  });

  it('moving average follows per-batch extremes, not the single largest outlier', async () => {
    const data = new Float32Array(normal);
    data[5] = 1000; // one outlier in the first batch
    const r = await observe('ema', data, 10_000, { averagingConstant: 0.5 });
    expect(r.max).toBeLessThan(10); // the outlier decays: 1000·0.5^19 ≈ 0
    expect(r.max).toBeGreaterThan(3.5); // typical batch max of 10k normals ≈ 3.9
    expect(r.min).toBeLessThan(-3.5);
  });

  it('percentile p puts the edges at the p-th and (100−p)-th percentiles: ±3.09 for N(0,1) at 99.9', async () => {
    const r = await observe('percentile', normal, 10_000, { percentile: 99.9 });
    expectSampleQuantiles(r, normal, 0.999);
    // And the sample is large enough for the population's: ±0.05 is 2.4 standard errors at n = 200k.
    expect(Math.abs(r.max - 3.09)).toBeLessThan(0.05);
    expect(Math.abs(r.min + 3.09)).toBeLessThan(0.05);
  });

  it('percentile of U(−1, 3) at 99% ends near −0.96 and 2.96', async () => {
    const r = await observe('percentile', uniform, 10_000, { percentile: 99 });
    expectSampleQuantiles(r, uniform, 0.99);
    expect(Math.abs(r.min + 0.96)).toBeLessThan(0.01);
    expect(Math.abs(r.max - 2.96)).toBeLessThan(0.01);
  });

  it('entropy clips a Gaussian well inside its extent but beyond 2σ', async () => {
    const heavy = normal.map((v, i) => (i % 1000 === 0 ? v * 8 : v)); // 0.1% outliers stretch the extent
    const r = await observe('entropy', heavy, 10_000, { activations: 'int8' });
    expect(r.max).toBeLessThan(absMax(heavy) * 0.6);
    expect(r.max).toBeGreaterThan(2);
    expect(r.min).toBeCloseTo(-r.max, 5);
  });

  it('MSE keeps a uniform distribution whole but clips heavy Laplace tails', async () => {
    const u = await observe(
      'mse',
      uniform.map((v) => v - 1),
    ); // U(−2, 2)
    expect(u.max).toBeGreaterThan(1.9);
    const rnd = random(3);
    const laplace = Float32Array.from({ length: 200_000 }, () => {
      const x = rnd() - 0.5;
      return -Math.sign(x) * Math.log(1 - 2 * Math.abs(x));
    });
    const l = await observe('mse', laplace, 10_000, { activations: 'int8' });
    const extent = absMax(laplace);
    expect(l.max).toBeLessThan(extent * 0.8);
    expect(l.max).toBeGreaterThan(4); // 8-bit MSE-optimal clip of Laplace(1) ≈ 7–10
  });

  it('non-negative tensors (after Relu) keep min 0 under every histogram method', async () => {
    const relu = normal.map((v) => Math.max(0, v));
    for (const m of ['percentile', 'entropy', 'mse'] as const) {
      const r = await observe(m, relu);
      expect(r.min).toBe(0);
      expect(r.max).toBeGreaterThan(2);
    }
  });
});

describe('growing histogram', () => {
  it('merging on growth equals binning once at the final extent', async () => {
    const data = gaussian(50_000, 4);
    data[40_000] = 37; // forces several doublings late
    const streamed = new GrowingHistogram(1024);
    for (let i = 0; i < data.length; i += 5_000) {
      const part = data.subarray(i, i + 5_000);
      await streamed.add(kernels, part, Math.max(...part.map(Math.abs)));
    }
    const once = new Uint32Array(1024);
    await kernels.histogram({
      data,
      lo: -streamed.extent,
      hi: streamed.extent,
      absolute: false,
      counts: once,
    });
    let moved = 0;
    for (let b = 0; b < 1024; b++) moved += Math.abs(once[b] - streamed.counts[b]);
    expect(streamed.counts.reduce((a, b) => a + b, 0)).toBe(50_000);
    expect(moved).toBeLessThanOrEqual(4); // only f32 rounding at bin edges can differ
  });
});

describe('quantization parameters', () => {
  it('uint8 asymmetric keeps 0 exact; Relu ranges get zero point 0', () => {
    expect(activationParams({ min: 0, max: 6 }, 'uint8')).toEqual({
      scale: Math.fround(6 / 255),
      zeroPoint: 0,
    });
    const p = activationParams({ min: -1, max: 3 }, 'uint8');
    expect(p.zeroPoint).toBe(64);
    expect(p.scale).toBeCloseTo(4 / 255, 7);
    expect(activationParams({ min: -2, max: 1 }, 'int8')).toEqual({
      scale: Math.fround(2 / 127),
      zeroPoint: 0,
    });
  });

  it('per-channel weights along axis 1 and 3 round-trip within half a step per channel', async () => {
    const dims = [3, 4, 2, 5];
    const w = gaussian(120, 5);
    for (const axis of [0, 1, 3]) {
      const { values, scales } = await quantizeWeight(kernels, w, dims, axis);
      expect(scales.length).toBe(dims[axis]);
      const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
      const maxAbs = new Float32Array(dims[axis]);
      w.forEach((v, i) => {
        const c = Math.floor(i / inner) % dims[axis];
        maxAbs[c] = Math.max(maxAbs[c], Math.abs(v));
      });
      w.forEach((v, i) => {
        const c = Math.floor(i / inner) % dims[axis];
        expect(Math.abs(values[i] * scales[c] - v)).toBeLessThanOrEqual(scales[c] / 2 + 1e-7);
      });
      maxAbs.forEach((m, c) => expect(scales[c]).toBeCloseTo(m / 127, 7));
    }
  });

  it('int32 bias uses input scale × weight scale per channel', () => {
    const { values, scales } = quantizeBias(
      new Float32Array([0.5, -0.25]),
      0.01,
      new Float32Array([0.1, 0.2]),
    );
    expect([...scales].map((s) => +s.toFixed(6))).toEqual([0.001, 0.002]);
    expect([...values]).toEqual([500, -125]);
  });
});

// Fake quantization: the forward is onnxruntime's QuantizeLinear → DequantizeLinear (ties included),
// and the backward is LSQ's. Rounding has no useful derivative, so the float64 reference is central
// finite differences of LSQ's surrogate: y = s·(clamp(x/s, q_min − z, q_max − z) + ρ) with the
// rounding residue ρ = rne(v) − v held fixed — straight through for x inside the range, zero
// outside, and ∂y/∂s = rne(v) − v inside, q_min − z below, q_max − z above (times the grad scale).
import { describe, expect, test } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { importModel } from '../../src/core/graph';
import { DataType, makeTensor } from '../../src/core/onnx';
import { quantizeBias } from '../../src/core/quant';
import {
  float64Compute,
  QAT_DOMAIN,
  TrainableModel,
  backendCompute,
  roundHalfEven,
} from '../../src/core/train';
import { createReferenceBackend } from '../../src/kernels';
import { ModelBuilder, float, seededRandom } from '../helpers/model-builder';

interface Case {
  name: string;
  shape: number[];
  axis?: number;
  scales: number[];
  zeroPoints: number[];
  qmin: number;
  qmax: number;
  gradScale: number;
}

const cases: Case[] = [
  {
    name: 'uint8 per tensor',
    shape: [2, 3, 5],
    scales: [0.05],
    zeroPoints: [37],
    qmin: 0,
    qmax: 255,
    gradScale: 0.1,
  },
  {
    name: 'int8 narrow per channel (axis 0)',
    shape: [4, 3, 3],
    axis: 0,
    scales: [0.01, 0.02, 0.004, 0.03],
    zeroPoints: [0, 0, 0, 0],
    qmin: -127,
    qmax: 127,
    gradScale: 0.25,
  },
  {
    name: 'int8 per channel on axis 1, odd sizes',
    shape: [3, 5, 7],
    axis: 1,
    scales: [0.011, 0.007, 0.02, 0.013, 0.005],
    zeroPoints: [0, 0, 0, 0, 0],
    qmin: -128,
    qmax: 127,
    gradScale: 1,
  },
];

/** x spread past the range on both sides (about a fifth clamped), never at a clamp bound. */
function inputs(c: Case, seed: number): Float64Array {
  const r = seededRandom(seed);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = new Float64Array(n);
  const [outer, channels, inner] = layoutOf(c);
  for (let o = 0; o < outer; o++)
    for (let ch = 0; ch < channels; ch++)
      for (let i = 0; i < inner; i++) {
        const k = (o * channels + ch) * inner + i;
        const s = c.scales[ch];
        const z = c.zeroPoints[ch];
        const lo = (c.qmin - z) * s;
        const hi = (c.qmax - z) * s;
        const span = hi - lo;
        let v: number;
        do v = lo - 0.15 * span + r() * 1.3 * span;
        while (Math.abs(v - lo) < 1e-3 * span || Math.abs(v - hi) < 1e-3 * span);
        x[k] = v;
      }
  return x;
}

function layoutOf(c: Case): [number, number, number] {
  if (c.axis === undefined) return [1, 1, c.shape.reduce((a, b) => a * b, 1)];
  const outer = c.shape.slice(0, c.axis).reduce((a, b) => a * b, 1);
  const inner = c.shape.slice(c.axis + 1).reduce((a, b) => a * b, 1);
  return [outer, c.shape[c.axis], inner];
}

function model(c: Case, x: ArrayLike<number>) {
  const perChannel = c.axis !== undefined;
  const b = new ModelBuilder({ opset: 13 })
    .opset(QAT_DOMAIN, 1)
    .initializer('x', c.shape, x)
    .tensor(makeTensor('s', DataType.FLOAT, perChannel ? [c.scales.length] : [], Float32Array.from(c.scales)))
    .tensor(makeTensor('z', DataType.INT32, [c.zeroPoints.length], Int32Array.from(c.zeroPoints)));
  b.node(
    'FakeQuantize',
    ['x', 's', 'z'],
    ['y'],
    {
      qmin: c.qmin,
      qmax: c.qmax,
      grad_scale: float(c.gradScale),
      ...(perChannel ? { axis: c.axis! } : {}),
    },
    { domain: QAT_DOMAIN },
  );
  return b.output('y', 'float32').build().model;
}

/** Σ r·y of LSQ's surrogate, in float64, with residues ρ fixed from (x0, s0). */
function surrogate(c: Case, x0: Float64Array, s0: number[], r: Float64Array) {
  const [outer, channels, inner] = layoutOf(c);
  const rho = new Float64Array(x0.length);
  for (let o = 0; o < outer; o++)
    for (let ch = 0; ch < channels; ch++)
      for (let i = 0; i < inner; i++) {
        const k = (o * channels + ch) * inner + i;
        const lo = c.qmin - c.zeroPoints[ch];
        const hi = c.qmax - c.zeroPoints[ch];
        const v = Math.min(hi, Math.max(lo, x0[k] / s0[ch]));
        rho[k] = roundHalfEven(v) - v;
      }
  return (x: Float64Array, s: number[]) => {
    let sum = 0;
    for (let o = 0; o < outer; o++)
      for (let ch = 0; ch < channels; ch++)
        for (let i = 0; i < inner; i++) {
          const k = (o * channels + ch) * inner + i;
          const lo = c.qmin - c.zeroPoints[ch];
          const hi = c.qmax - c.zeroPoints[ch];
          sum += r[k] * s[ch] * (Math.min(hi, Math.max(lo, x[k] / s[ch])) + rho[k]);
        }
    return sum;
  };
}

describe.each(cases)('FakeQuantize, $name', (c) => {
  test('gradients w.r.t. x and the step size match LSQ’s surrogate by finite differences (float64)', async () => {
    const x0 = inputs(c, 11);
    const engine = new TrainableModel(importModel(model(c, x0)), {
      compute: float64Compute,
      precision: 'f64',
    });
    const tape = await engine.forward({});
    const rand = seededRandom(5);
    const r = Float64Array.from({ length: x0.length }, () => rand() * 2 - 1);
    const grads = await engine.backward(tape, { y: r });
    const f = surrogate(c, x0, c.scales, r);
    const h = 1e-6;
    const dx = grads.get('x')!;
    let inside = 0;
    for (let k = 0; k < x0.length; k++) {
      const up = Float64Array.from(x0);
      const down = Float64Array.from(x0);
      up[k] += h;
      down[k] -= h;
      const numeric = (f(up, c.scales) - f(down, c.scales)) / (2 * h);
      expect(Math.abs(dx[k] - numeric), `dx[${k}]`).toBeLessThan(1e-6);
      if (numeric !== 0) inside++;
    }
    // Both sides of the range are exercised: some clamped (zero gradient), most inside.
    expect(inside).toBeGreaterThan(x0.length / 2);
    expect(inside).toBeLessThan(x0.length);
    const ds = grads.get('s')!;
    for (let ch = 0; ch < c.scales.length; ch++) {
      const up = [...c.scales];
      const down = [...c.scales];
      up[ch] += h * c.scales[ch];
      down[ch] -= h * c.scales[ch];
      const numeric = ((f(x0, up) - f(x0, down)) / (2 * h * c.scales[ch])) * c.gradScale;
      expect(Math.abs(ds[ch] - numeric), `ds[${ch}]`).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
    }
  });

  test('forward (float32) equals onnxruntime’s QuantizeLinear → DequantizeLinear, ties included', async () => {
    const x = Float32Array.from(inputs(c, 23));
    // Exact ties: every third element sits half-way between two levels.
    const [outer, channels, inner] = layoutOf(c);
    for (let o = 0; o < outer; o++)
      for (let ch = 0; ch < channels; ch++)
        for (let i = 0; i < inner; i += 3) {
          const k = (o * channels + ch) * inner + i;
          x[k] = Math.fround((Math.round(x[k] / c.scales[ch]) + 0.5) * c.scales[ch]);
        }
    const engine = new TrainableModel(importModel(model(c, x)), {
      compute: backendCompute(createReferenceBackend()),
    });
    const ours = (await engine.forward({})).values.get('y')!.data;
    const perChannel = c.axis !== undefined;
    const zp = c.qmin < 0 ? Int8Array.from(c.zeroPoints) : Uint8Array.from(c.zeroPoints);
    const zpType = c.qmin < 0 ? DataType.INT8 : DataType.UINT8;
    const axis: Record<string, number> = perChannel ? { axis: c.axis! } : {};
    const qdq = new ModelBuilder({ opset: 13 })
      .input('x', 'float32', c.shape)
      .tensor(
        makeTensor('s', DataType.FLOAT, perChannel ? [c.scales.length] : [], Float32Array.from(c.scales)),
      )
      .tensor(makeTensor('z', zpType, perChannel ? [zp.length] : [], zp))
      .node('QuantizeLinear', ['x', 's', 'z'], ['q'], axis)
      .node('DequantizeLinear', ['q', 's', 'z'], ['y'], axis)
      .output('y', 'float32')
      .build();
    const runtime = await createOrtRuntime({ backend: 'native' });
    const session = await runtime.createSession(qdq.bytes);
    const out = await session.run({ x: { type: 'float32', data: x, dims: c.shape } }, ['y']);
    await session.release();
    const theirs = out.y.data as Float32Array;
    // QuantizeLinear has no narrow range: below −127.5 steps it gives −128 where weights clamp to −127.
    const narrow = c.qmin === -127;
    for (let k = 0; k < x.length; k++) {
      if (narrow && theirs[k] < ours[k] && theirs[k] / c.scales[layoutIndex(c, k)] <= -127.5) continue;
      expect(ours[k], `y[${k}] (x = ${x[k]})`).toBe(theirs[k]);
    }
  });
});

/** Channel of element k. */
function layoutIndex(c: Case, k: number): number {
  const [, channels, inner] = layoutOf(c);
  return Math.floor(k / inner) % channels;
}

test('FakeQuantizeBias is the int32 bias the exporter stores (or the float bias where it overflows), straight through', async () => {
  const bias = Float32Array.from([0.3, -1.25, 0.0007, 2.5]);
  const sx = Math.fround(0.02); // scales are stored as float32
  const sw = Float32Array.from([0.01, 0.003, 0.02, 0.0005]);
  const build = (b: Float32Array) =>
    new ModelBuilder({ opset: 13 })
      .opset(QAT_DOMAIN, 1)
      .initializer('b', [4], b)
      .tensor(makeTensor('sx', DataType.FLOAT, [], Float32Array.from([sx])))
      .tensor(makeTensor('sw', DataType.FLOAT, [4], sw))
      .node('FakeQuantizeBias', ['b', 'sx', 'sw'], ['y'], {}, { domain: QAT_DOMAIN })
      .output('y', 'float32')
      .build().model;
  const compute = backendCompute(createReferenceBackend());
  const engine = new TrainableModel(importModel(build(bias)), { compute });
  const tape = await engine.forward({});
  const { values, scales } = quantizeBias(bias, sx, sw);
  expect(Array.from(tape.values.get('y')!.data)).toEqual(
    Array.from(values, (q, i) => Math.fround(q * scales[i])),
  );
  const r = Float32Array.from([1, -2, 3, 0.5]);
  expect(Array.from((await engine.backward(tape, { y: r })).get('b')!)).toEqual(Array.from(r));
  // A bias whose int32 would overflow stays float, as the exporter keeps it.
  const huge = Float32Array.from([3e6, 0, 0, 0]);
  const kept = await new TrainableModel(importModel(build(huge)), { compute }).forward({});
  expect(Array.from(kept.values.get('y')!.data)).toEqual(Array.from(huge));
});

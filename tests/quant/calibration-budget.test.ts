/** Calibration under a memory budget: batch size and passes follow the budget; ranges do not. */
import { describe, expect, it } from 'vitest';
import { exportModel, inferShapes } from '../../src/core/graph';
import { encodeModel } from '../../src/core/onnx';
import {
  calibrateWithReport,
  calibrationTensors,
  planPasses,
  planQuantization,
  prepareWithReport,
  type Ranges,
} from '../../src/core/quant';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { calibFeeds, exposedRanges, fixture, nativeRuntime } from './helpers';

describe('planPasses', () => {
  const tensors = Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, elements: 1000 * (i + 1) }));
  const base = { tensors, inputElements: 784, liveElements: 20_000, modelBytes: 100_000 };

  it('exposes every tensor in one pass with a large batch when the budget allows', () => {
    const p = planPasses({ ...base, budget: 1024 ** 3 });
    expect(p.passes).toEqual([tensors.map((t) => t.name)]);
    expect(p.batchSize).toBe(32);
    expect(p.estimatedBytes).toBeLessThanOrEqual(1024 ** 3);
  });

  it('splits tensors over passes, in order and each once, when one sample of all would not fit', () => {
    const budget = 500_000 + 4 * (4 * 12_000 + 20_000 + 2 * 784) + 1;
    const p = planPasses({ ...base, budget });
    expect(p.passes.length).toBeGreaterThan(1);
    expect(p.passes.flat()).toEqual(tensors.map((t) => t.name));
    expect(p.batchSize).toBeGreaterThanOrEqual(1);
    expect(p.estimatedBytes).toBeLessThanOrEqual(budget);
  });

  it('shrinks the batch before it adds passes', () => {
    const all = tensors.reduce((s, t) => s + t.elements, 0);
    const budget = 500_000 + 3 * 4 * (4 * all + 20_000 + 2 * 784);
    const p = planPasses({ ...base, budget });
    expect(p.passes).toHaveLength(1);
    expect(p.batchSize).toBe(3);
  });
});

describe('calibrate under a budget (fmnist-resnet8, onnxruntime-node)', () => {
  const { graph } = prepareWithReport(importModel(decodeModel(fixture('fmnist-resnet8.onnx'))));
  const bytes = encodeModel(exportModel(graph));
  const plan = planQuantization(graph, inferShapes(graph), {});

  const sameRanges = (a: Ranges, b: Ranges, relative: number) => {
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const [name, r] of Object.entries(b)) {
      const tol = relative * Math.max(1, r.max - r.min);
      expect(Math.abs(a[name].min - r.min), name).toBeLessThanOrEqual(tol);
      expect(Math.abs(a[name].max - r.max), name).toBeLessThanOrEqual(tol);
    }
  };

  it('min/max comes from the runtime’s reductions and equals min/max over every exposed activation', async () => {
    const runtime = await nativeRuntime();
    const r = await calibrateWithReport(bytes, plan, () => calibFeeds(200), runtime, {
      memoryBudget: 1024 ** 3,
    });
    expect(r.plan.passes).toHaveLength(1);
    expect(r.plan.batchSize).toBe(32);
    const names = calibrationTensors(plan);
    const expected = await exposedRanges(bytes, names, 200);
    // onnxruntime's conv blocking differs by batch size (32 here, 50 above): float rounding apart.
    sameRanges(r.ranges, expected, 1e-5);
    // Two scalars per tensor leave the runtime: far less than one batch of the activations.
    expect(r.peakTrackedBytes).toBeLessThan(32 * 784 * 4 * 2);
  });

  it('splits the tensors over passes under a tight budget, and a one-shot source is read once', async () => {
    const runtime = await nativeRuntime();
    const options = { method: 'percentile' as const, percentile: 99.9 };
    const roomy = await calibrateWithReport(bytes, plan, () => calibFeeds(200), runtime, {
      ...options,
      memoryBudget: 1024 ** 3,
    });
    // 2 MB is below the fixed cost of this 0.3 MB model: the smallest room, several passes.
    const tight = await calibrateWithReport(bytes, plan, () => calibFeeds(200), runtime, {
      ...options,
      memoryBudget: 2 * 1024 ** 2,
    });
    const oneShot = await calibrateWithReport(bytes, plan, calibFeeds(200), runtime, {
      ...options,
      memoryBudget: 2 * 1024 ** 2,
    });
    expect(roomy.plan.passes).toHaveLength(1);
    expect(tight.plan.passes.length).toBeGreaterThan(1);
    expect(tight.plan.batchSize).toBeLessThan(roomy.plan.batchSize);
    expect(tight.plan.passes.flat().sort()).toEqual(roomy.plan.passes.flat().sort());
    expect([roomy.samples, tight.samples, oneShot.samples]).toEqual([200, 200, 200]);
    // Same batches, same histograms: identical up to float rounding.
    sameRanges(oneShot.ranges, tight.ranges, 1e-5);
    // Other batch sizes grow the histograms from other first extents: close, not equal.
    sameRanges(tight.ranges, roomy.ranges, 0.02);
    // Less room, smaller batches: fewer activation bytes held at once (the one-shot run also keeps its inputs).
    expect(tight.peakTrackedBytes).toBeLessThan(roomy.peakTrackedBytes);
    expect(oneShot.peakTrackedBytes).toBeGreaterThanOrEqual(200 * 784 * 4);
  });
});

import { describe, expect, it } from 'vitest';
import { fallBackUntilWithinBudget, quantizeModel, rankDamage } from '../../src/core/quant';
import { accuracy, calibFeeds, fixture, nativeRuntime } from './helpers';

describe('accuracy-aware fallback', () => {
  it('ranks nodes by added error and returns the worst to float until the drop fits the budget', async () => {
    const runtime = await nativeRuntime();
    // Entropy calibration clips hard on this model: a visible drop to recover.
    const options = { method: 'entropy' as const };
    const r = await quantizeModel(fixture('fmnist-mobilenetv2.onnx'), {
      runtime,
      calibration: calibFeeds(),
      ...options,
    });
    const ranking = await rankDamage(r.float, r.quantized, r.plan, calibFeeds(200), runtime);
    const quantizedNodes = Object.entries(r.plan.nodes).filter(([, role]) => role === 'quantized').length;
    expect(ranking.length).toBe(quantizedNodes - 1); // all but the Gemm, whose logits stay float
    expect(ranking.every((d) => Number.isFinite(d.sqnrDb))).toBe(true);
    for (let i = 1; i < ranking.length; i++)
      expect(ranking[i - 1].damage).toBeGreaterThanOrEqual(ranking[i].damage);

    const evaluate = (bytes: Uint8Array) => accuracy(bytes, 1000);
    const result = await fallBackUntilWithinBudget(r.float, {}, r.ranges, ranking, evaluate, {
      maxDrop: 0,
      maxFallbacks: 6,
    });
    console.log(
      `fallback: FP32 ${result.floatMetric}, steps ${result.steps.map((s) => `${s.excluded.length}:${s.metric}`).join(' ')}`,
    );
    expect(result.steps[0].excluded).toEqual([]);
    result.steps.forEach((s, k) => expect(s.excluded).toEqual(ranking.slice(0, k).map((d) => d.node)));
    expect(result.metric).toBe(result.steps.at(-1)!.metric);
    expect(result.withinBudget).toBe(result.floatMetric - result.metric <= 0);
    // The nodes returned to float are float Convs in the result.
    for (const name of result.plan.excluded) {
      const node = result.graph.nodes().find((n) => n.name === name)!;
      expect(
        node.inputs.some((v) => result.graph.producer(v)?.opType === 'DequantizeLinear' && v.endsWith('_q')),
      ).toBe(false);
      expect(result.plan.nodes[name]).toBeUndefined();
    }
  });
});

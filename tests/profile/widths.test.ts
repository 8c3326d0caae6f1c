/**
 * Round-to from measured latency-vs-width: with an injected timer whose Conv cost steps at multiples
 * of 8 channels (as SIMD kernels do), each pruned group snaps to a multiple of 8 when one lies within
 * reach: only narrower under fixed counts, either way under a MAC target, which still holds after the
 * re-plan; the pruned models run in onnxruntime.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportModel, importModel, inferShapes } from '../../src/core/graph';
import { decodeModel, encodeModel } from '../../src/core/onnx';
import { measuredWidths } from '../../src/core/pipeline';
import {
  checkPrunedModel,
  cloneGraph,
  pruneModel,
  removeChannels,
  type LatencyGoal,
} from '../../src/core/prune';
import {
  candidateWidths,
  chooseWidths,
  ProfileCache,
  runtimeTimer,
  type GroupWidth,
  type LatencyTimer,
} from '../../src/core/profile';
import { unitModel } from '../../src/core/profile/unit-model';
import { ModelBuilder } from '../helpers/model-builder';
import { createReferenceBackend } from '../../src/kernels';
import { FIXTURES, loadGraph, nativeRuntime } from '../prune/helpers';

const ceil8 = (n: number) => Math.ceil(n / 8) * 8;

/** A Conv costs ceil8(out) × ceil8(in) units: a width between multiples of 8 pays for the next one. */
const steppedTimer = (calls: { n: number }): LatencyTimer => ({
  key: 'stepped/1',
  time: async (models) =>
    models.map((bytes) => {
      calls.n++;
      const g = decodeModel(bytes).graph!;
      const conv = g.node.find((n) => n.opType === 'Conv')!;
      const w = g.initializer.find((t) => t.name === conv.input[1])!.dims.map(Number);
      const x = g.input
        .find((v) => v.name === conv.input[0])!
        .type!.tensorType!.shape!.dim.map((d) => Number(d.dimValue));
      return ceil8(w[0]) * ceil8(x[1]) * 1e-4;
    }),
});

/** Prunes fmnist-resnet8 under `recipe` twice: planned as is, and with measured widths (stepped timer). */
async function pruneWithWidths(
  recipe: { ratio: number } | { macsTarget: number } | { latency: LatencyGoal },
) {
  const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
  const calls = { n: 0 };
  const ctx = { timer: steppedTimer(calls), cache: new ProfileCache() };
  const found: GroupWidth[] = [];
  const options = { criterion: { criterion: 'l1' as const }, recipe, kernels: createReferenceBackend() };
  const plain = await pruneModel(graph, options);
  const { masked, plan } = await pruneModel(graph, { ...options, revisePlan: measuredWidths(ctx, found) });
  // The pruned model, channels removed, computes what the masked one does.
  const small = cloneGraph(masked);
  removeChannels(small, plan);
  await checkPrunedModel(
    await nativeRuntime(),
    encodeModel(exportModel(small)),
    encodeModel(exportModel(masked)),
  );
  return { graph, calls, ctx, found, options, plain, plan };
}

describe('measured widths', () => {
  it('tries the planned width and multiples of 8, 16, 32 at most 20 % below it', () => {
    expect(candidateWidths(41)).toEqual([41, 40]);
    expect(candidateWidths(60)).toEqual([60, 56, 48]);
    expect(candidateWidths(10)).toEqual([10, 8]);
    expect(candidateWidths(64)).toEqual([64]);
  });

  it('also tries multiples up to 20 % above it, short of the whole group, when the planner can re-balance', () => {
    expect(candidateWidths(41, 64)).toEqual([48, 41, 40]);
    expect(candidateWidths(60, 128)).toEqual([64, 60, 56, 48]);
    expect(candidateWidths(60, 64)).toEqual([60, 56, 48]);
    expect(candidateWidths(64, 128)).toEqual([64]);
    expect(candidateWidths(14, 64)).toEqual([16, 14]);
  });

  it('under fixed counts, snaps each pruned group down to the width with the best latency per channel', async () => {
    const { graph, calls, ctx, found, options, plain, plan } = await pruneWithWidths({ ratio: 0.4 });

    // Groups whose planned width has nothing narrower to try are left alone.
    const pruned = plain.plan.groups.filter(
      (g) => g.status === 'pruned' && candidateWidths(g.keep).length > 1,
    );
    expect(found.map((w) => w.group)).toEqual(pruned.map((g) => g.id));
    let snapped = 0;
    for (const w of found) {
      const g = plan.groups.find((x) => x.id === w.group)!;
      expect(g.keep).toBe(w.chosen);
      expect(w.chosen).toBeLessThanOrEqual(w.planned);
      // A group leaves its planned width only for a multiple of 8 (the stepped timer's best per channel).
      expect(w.reason).toMatch(w.chosen === w.planned ? /^kept \d+:/ : /^kept \d+ instead of \d+/);
      if (w.chosen !== w.planned) {
        expect(w.chosen % 8).toBe(0);
        snapped++;
      }
    }
    expect(snapped).toBeGreaterThan(0);
    expect(plan.after.macs!).toBeLessThanOrEqual(plain.plan.after.macs!);

    // The same widths again come from the cache.
    const before = calls.n;
    await pruneModel(graph, { ...options, revisePlan: measuredWidths(ctx, []) });
    expect(calls.n).toBe(before);
  }, 120_000);

  it('under a MAC target, rounds groups to the multiple of their best width, wider or narrower, and keeps the target', async () => {
    const { found, plain, plan } = await pruneWithWidths({ macsTarget: 0.4 });

    const tried = plain.plan.groups.filter(
      (g) => g.status === 'pruned' && candidateWidths(g.keep, g.channels).length > 1,
    );
    expect(found.map((w) => w.group)).toEqual(tried.map((g) => g.id));
    let rounded = 0;
    let wider = 0;
    for (const w of found) {
      const g = plan.groups.find((x) => x.id === w.group)!;
      // Each reports the count the re-plan keeps.
      expect(g.keep).toBe(w.chosen);
      const q = /in multiples of (\d+)/.exec(w.reason);
      if (q) {
        rounded++;
        expect(g.keep % Number(q[1])).toBe(0);
        expect(Number(q[1]) % 8).toBe(0);
        // The stepped timer makes a multiple of 8 the best width per channel wherever one is in reach.
        if (w.planned % 8 !== 0 && g.keep > w.planned) wider++;
      }
    }
    expect(rounded).toBeGreaterThan(0);
    expect(wider).toBeGreaterThan(0);
    // The target still holds, and the re-plan does not overshoot it by more than a rounding step.
    expect(plan.after.macs!).toBeLessThanOrEqual(0.6 * plan.before.macs!);
    expect(plan.after.macs!).toBeGreaterThanOrEqual(0.5 * plan.before.macs!);
  }, 120_000);

  it('under a latency goal, rounds groups the same way and lands at the goal, not past it', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
    const nodeMs = Object.fromEntries(
      graph
        .nodes()
        .filter((n) => n.opType === 'Conv')
        .map((n) => [n.name, 1]),
    );
    const fixedMs = 2;
    const goal = { goalMs: 0.6 * (Object.keys(nodeMs).length + fixedMs), nodeMs, fixedMs };
    const { found, plan } = await pruneWithWidths({ latency: goal });
    const rounded = found.filter((w) => /in multiples of \d+/.test(w.reason));
    expect(rounded.length).toBeGreaterThan(0);
    for (const w of rounded) expect(w.chosen % 8).toBe(0);
    // Snapping down after the plan would have cut past the goal; the re-plan stops at it.
    expect(plan.latency!.after).toBeLessThanOrEqual(goal.goalMs);
    expect(plan.latency!.after).toBeGreaterThan(0.9 * goal.goalMs);
  }, 120_000);

  it('times the widths of an INT8 model as its integer kernels, and onnxruntime runs every probe', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
    const { plan } = await pruneModel(graph, {
      criterion: { criterion: 'l1' },
      recipe: { macsTarget: 0.4 },
      kernels: createReferenceBackend(),
    });
    const timer = runtimeTimer(await nativeRuntime(), { runs: 1, warmup: 0 });
    const seen: string[][] = [];
    const recording: LatencyTimer = {
      key: timer.key,
      time: async (models) => {
        for (const m of models) seen.push(decodeModel(m).graph!.node.map((n) => n.opType));
        return timer.time(models);
      },
    };
    const pruned = plan.groups.filter((g) => g.status === 'pruned');
    const widths = await chooseWidths(graph, pruned, recording, undefined, { int8: true, wider: true });
    expect(widths.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    for (const ops of seen) {
      expect(ops).toContain('Conv');
      expect(ops).toContain('DequantizeLinear');
      expect(ops).toContain('QuantizeLinear');
    }
    for (const w of widths) for (const ms of Object.values(w.ms)) expect(ms).toBeGreaterThan(0);
  }, 120_000);

  it('builds width probes of Convs whose weight and bias come through Identity nodes (deduplicated exports)', async () => {
    // torch shares bit-identical initializers through an Identity per reader (torchvision's ResNet-18
    // biases); the probe took such a bias for an activation input and onnxruntime refused it.
    const graph = importModel(
      new ModelBuilder({ opset: 13, seed: 3 })
        .input('x', 'float32', [1, 16, 8, 8])
        .initializer('w', [32, 16, 3, 3])
        .initializer('b', [32])
        .node('Identity', ['w'], ['conv.weight'])
        .node('Identity', ['b'], ['conv.bias'])
        .node('Conv', ['x', 'conv.weight', 'conv.bias'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv' })
        .node('Relu', ['y'], ['r'])
        .output('r', 'float32', [1, 32, 8, 8])
        .build().model,
    );
    const shapes = inferShapes(graph);
    const conv = graph.nodes().find((n) => n.opType === 'Conv')!;
    const runtime = await nativeRuntime();
    for (const width of [undefined, { out: 24 }, { in: 8 }]) {
      const probe = unitModel(graph, shapes, { node: conv }, width)!;
      expect(probe.graph!.input.map((v) => v.name)).toEqual(['x']);
      const session = await runtime.createSession(encodeModel(probe));
      const cin = width?.in ?? 16;
      const out = await session.run({
        x: { type: 'float32', dims: [1, cin, 8, 8], data: new Float32Array(cin * 64).fill(1) },
      });
      expect(out.y.dims).toEqual([1, width?.out ?? 32, 8, 8]);
      await session.release();
    }
  });
});

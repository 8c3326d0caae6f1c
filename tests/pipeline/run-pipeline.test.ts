/**
 * The whole pipeline on a real zoo model with real data: every stage's model loads and runs in
 * onnxruntime, does what its row says (size, MACs, accuracy), and the run is deterministic.
 */
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  createOrtRuntime,
  evaluateModel,
  pairedDropInterval,
  wilsonInterval,
  type Dataset,
  type InferenceRuntime,
} from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { costModel, importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import {
  parseRecipe,
  PipelineCancelled,
  runPipeline,
  type PipelineResult,
  type Recipe,
} from '../../src/core/pipeline';
import { createWasmBackend, type KernelBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const model = new Uint8Array(readFileSync('tests/fixtures/fmnist-resnet8.onnx'));
const preprocess = { scale: 1 / 255, mean: [0.286], std: [0.353] };
const recipe: Recipe = parseRecipe({
  version: 1,
  prune: { ratio: 0.3, recover: ['compensate'] },
  data: { preprocess, calibrationSamples: 200, evalLimit: 500, batchSize: 100 },
  evaluate: { runs: 3, warmup: 1 },
});

let calibration: Dataset;
let evaluation: Dataset;
let runtime: InferenceRuntime;
let kernels: KernelBackend;
let result: PipelineResult;

beforeAll(async () => {
  calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
  evaluation = await openDatasetPath('tests/fixtures/fmnist-test');
  runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
  kernels = await createWasmBackend(nodeWasmLoader);
  result = await runPipeline({ model, recipe, calibration, evaluation, runtime, kernels });
});

describe('runPipeline on fmnist-resnet8', () => {
  it('produces every stage in order, the INT8 of the pruned model last', () => {
    expect(result.stages.map((s) => s.name)).toEqual([
      'original',
      'pruned',
      'recovered',
      'int8',
      'pruned-int8',
    ]);
    expect(result.final).toBe('pruned-int8');
    expect(result.plan?.prunedChannels).toBeGreaterThan(0);
  });

  it('reports for each stage what its model really is and does', async () => {
    for (const stage of result.stages) {
      const r = stage.result;
      expect(r.modelBytes).toBe(stage.bytes.byteLength);
      // onnxruntime-node (not the runtime the pipeline used) loads and runs it.
      const session = await ortNode.InferenceSession.create(stage.bytes);
      const out = await session.run({
        input: new ortNode.Tensor('float32', new Float32Array(784), [1, 1, 28, 28]),
      });
      expect(out.logits.dims).toEqual([1, 10]);
      // Accuracy recomputed apart from the pipeline equals the table's figure.
      const again = await evaluateModel(await runtime.createSession(stage.bytes), evaluation, {
        preprocess,
        limit: 500,
        batchSize: 100,
      });
      expect(again.accuracy!.top1).toBeCloseTo(r.accuracy!.top1, 10);
      expect(r.latency).toHaveLength(1);
      expect(r.latency[0].medianMs).toBeGreaterThan(0);
    }
    const [original, pruned, recovered, int8, final] = result.stages.map((s) => s.result);
    // The float model gets 458 of the first 500 test images right in onnxruntime (91.6 %, as on all
    // 10,000): an exact count, so any change to evaluation or preprocessing shows.
    expect(original.accuracy!.top1).toBe(458 / 500);
    // Removal shrinks the float model by what the plan predicted.
    expect(pruned.macs).toBe(result.plan!.after.macs);
    const prunedCost = costModel(importModel(decodeModel(result.stages[1].bytes)));
    expect(prunedCost.macs).toBe(pruned.macs);
    expect(pruned.modelBytes).toBeLessThan(original.modelBytes);
    // Compensation never hurts here; INT8 stays within a point of FP32 and is far smaller.
    expect(recovered.accuracy!.top1).toBeGreaterThanOrEqual(pruned.accuracy!.top1);
    expect(Math.abs(int8.accuracy!.top1 - original.accuracy!.top1)).toBeLessThan(0.01);
    expect(final.modelBytes * 4).toBeLessThan(original.modelBytes);
    expect(final.fidelity!.count).toBe(500);
  });

  it('plans the pruning once: the unrecovered and recovered stages cut the same channels', () => {
    const [, pruned, recovered] = result.stages;
    expect(recovered.result.macs).toBe(pruned.result.macs);
    expect(recovered.result.parameters).toBe(pruned.result.parameters);
    // Recovery changed weights, not the structure.
    expect(Buffer.from(recovered.bytes).equals(Buffer.from(pruned.bytes))).toBe(false);
    expect(result.timings.recover).toBeGreaterThan(0);
    expect(result.timings.prune).toBeGreaterThan(0);
    // Calibration's activation buffers were counted.
    expect(result.peakTrackedBytes).toBeGreaterThan(0);
  });

  it('gives the same bytes for the same recipe', async () => {
    const again = await runPipeline({ model, recipe, calibration, evaluation, runtime, kernels });
    for (const [i, s] of again.stages.entries())
      expect(Buffer.from(s.bytes).equals(Buffer.from(result.stages[i].bytes))).toBe(true);
  });

  it('marks its 500 test samples as a subset of 10,000, each stage paired with the original', () => {
    const [original, ...rest] = result.stages.map((s) => s.result);
    expect(original.sampling).toMatchObject({ evaluated: 500, available: 10_000 });
    expect(original.sampling!.top1Interval).toEqual(
      wilsonInterval(Math.round(original.accuracy!.top1 * 500), 500),
    );
    for (const r of rest) {
      const drop = r.sampling!.drop!;
      // The discordant pairs alone account for the whole difference in accuracy.
      expect(drop.value).toBeCloseTo(original.accuracy!.top1 - r.accuracy!.top1, 12);
      expect(drop.interval).toEqual(pairedDropInterval(drop.worse, drop.better, 500));
    }
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const run = runPipeline({
      model,
      recipe,
      calibration,
      evaluation,
      runtime,
      kernels,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'calibrate') controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(PipelineCancelled);
  });
});

/**
 * The real pipeline's progress on fmnist-resnet8 with every phase switched on (recovery, fine-tuning,
 * calibration, accuracy-aware fallback, evaluation, timing): each phase's events go forward only, end
 * at its total, phases come in the order they run, and the long ones report inside themselves.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import {
  parseRecipe,
  runPipeline,
  type PipelineProgress,
  type PipelineResult,
} from '../../src/core/pipeline';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const model = new Uint8Array(readFileSync('tests/fixtures/fmnist-resnet8.onnx'));
const recipe = parseRecipe({
  version: 1,
  prune: { ratio: 0.3, recover: ['compensate', 'lsq', 'bn'] },
  finetune: { enabled: true, epochs: 1, samples: 64, batchSize: 32, heldOut: 0.25 },
  // A budget no INT8 model meets: the fallback walks its ranking.
  quantize: { enabled: true, maxDrop: 0 },
  data: {
    preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
    calibrationSamples: 100,
    evalLimit: 200,
    batchSize: 50,
  },
  evaluate: { runs: 3, warmup: 0 },
});

const events: PipelineProgress[] = [];
let result: PipelineResult;

beforeAll(async () => {
  const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
  const evaluation = await openDatasetPath('tests/fixtures/fmnist-test');
  result = await runPipeline({
    model,
    recipe,
    calibration,
    evaluation,
    runtime: await createOrtRuntime({ backend: 'wasm', threads: 1 }),
    kernels: await createWasmBackend(nodeWasmLoader),
    // Every event, so the test sees how fine the steps are (the tracker's throttle is tested alone).
    progressIntervalMs: 0,
    onProgress: (p) => events.push(p),
  });
}, 240_000);

const byPhase = () => {
  const m = new Map<string, PipelineProgress[]>();
  for (const e of events) m.set(e.phase, [...(m.get(e.phase) ?? []), e]);
  return m;
};

describe('pipeline progress', () => {
  it('covers every phase that ran, once each, in the order they run', () => {
    const order = events.map((e) => e.phase).filter((p, i, a) => i === 0 || a[i - 1] !== p);
    expect(order).toEqual([
      'load',
      'analyse',
      'prune',
      'recover',
      'remove',
      'finetune',
      'calibrate',
      'quantize',
      'evaluate',
      'benchmark',
    ]);
    expect(result.stages.map((s) => s.name)).toEqual([
      'original',
      'pruned',
      'recovered',
      'finetuned',
      'int8',
      'pruned-int8',
    ]);
  });

  it('goes forward only within each phase, with one total, and ends at it', () => {
    for (const [phase, list] of byPhase()) {
      const totals = new Set(list.map((e) => e.total));
      expect(totals.size, phase).toBe(1);
      for (let i = 1; i < list.length; i++) {
        expect(list[i].done, `${phase} #${i}`).toBeGreaterThanOrEqual(list[i - 1].done);
        expect(list[i].fraction, `${phase} #${i}`).toBeGreaterThanOrEqual(list[i - 1].fraction);
      }
      expect(list.at(-1), phase).toMatchObject({ done: list[0].total, fraction: 1 });
      expect(list[0].total, phase).toBeGreaterThan(0);
      for (const e of list) expect(e.fraction).toBeCloseTo(e.done / e.total, 12);
    }
  });

  it('counts what each phase really does, and reports inside it', () => {
    const phases = byPhase();
    const stages = result.stages.length;
    const total = (p: string) => phases.get(p)![0].total;
    expect(total('analyse')).toBe(100);
    expect(phases.get('analyse')![0].unit).toBe('samples');
    // Every stage reads the same 200 test samples, in batches of 50.
    expect(total('evaluate')).toBe(stages * 200);
    const inside = phases.get('evaluate')!.filter((e) => e.fraction > 0 && e.fraction < 1);
    expect(inside.length).toBeGreaterThanOrEqual(stages * 3);
    expect(inside.some((e) => /: 50 of 200 samples$/.test(e.message))).toBe(true);
    // Two models calibrated over 100 samples each.
    expect(total('calibrate')).toBe(200);
    expect(phases.get('calibrate')!.some((e) => e.done > 0 && e.done < 200)).toBe(true);
    // Recovery reports layer by layer.
    const layers = phases.get('recover')!.filter((e) => /^Least squares: layer \d+ of \d+/.test(e.message));
    expect(layers.length).toBeGreaterThan(3);
    // The fallback says each model it evaluates.
    expect(phases.get('quantize')!.some((e) => /model 2 of at most \d+ evaluated/.test(e.message))).toBe(
      true,
    );
    expect(total('finetune')).toBe(1);
    expect(phases.get('finetune')![0].unit).toBe('epochs');
    expect(phases.get('finetune')!.some((e) => e.done > 0 && e.done < 1)).toBe(true);
    expect(total('benchmark')).toBe(3);
    expect(phases.get('benchmark')!.map((e) => e.done)).toEqual([0, 1, 2, 3]);
  });
});

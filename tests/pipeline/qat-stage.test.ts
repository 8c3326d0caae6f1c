/**
 * `finetune.qat` in the pipeline on fmnist-resnet8: the pruned INT8 stage comes from
 * quantization-aware fine-tuning (labelled so, run by onnxruntime in the stage measurements), its
 * checkpoints carry the learned step sizes, and a run resumed from a checkpoint taken inside the QAT
 * epoch ends with the same bytes as the uninterrupted run.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import {
  parseRecipe,
  runPipeline,
  type FinetuneCheckpoint,
  type PipelineInputs,
} from '../../src/core/pipeline';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const model = new Uint8Array(readFileSync('tests/fixtures/fmnist-resnet8.onnx'));
const recipe = parseRecipe({
  version: 1,
  prune: { ratio: 0.3 },
  finetune: { enabled: true, epochs: 1, samples: 96, batchSize: 32, heldOut: 0.25, qat: true, qatEpochs: 1 },
  quantize: { enabled: true },
  data: {
    preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
    calibrationSamples: 100,
    evalLimit: 200,
    batchSize: 50,
  },
  evaluate: { runs: 2, warmup: 0 },
});

const inputs = async (): Promise<PipelineInputs> => ({
  model,
  recipe,
  calibration: await openDatasetPath('tests/fixtures/fmnist-calib'),
  evaluation: await openDatasetPath('tests/fixtures/fmnist-test'),
  training: await openDatasetPath('tests/fixtures/fmnist-train-slice'),
  runtime: await createOrtRuntime({ backend: 'wasm', threads: 1 }),
  kernels: await createWasmBackend(nodeWasmLoader),
});

test('QAT makes the pruned INT8 stage; a run resumed inside QAT ends with the same model', async () => {
  const checkpoints: FinetuneCheckpoint[] = [];
  const first = await runPipeline({
    ...(await inputs()),
    finetuneControl: { checkpointEvery: 1, onCheckpoint: (c) => void checkpoints.push(c) },
  });
  const last = first.stages[first.stages.length - 1];
  expect(last.name).toBe('pruned-int8');
  expect(last.label).toMatch(/\+ fine-tuned \+ INT8 \(QAT\)$/);
  // INT8 on top of a briefly fine-tuned model: within 5 points of that float model (200 images).
  const finetuned = first.stages.find((s) => s.name === 'finetuned')!.result.accuracy!.top1;
  expect(last.result.accuracy!.top1).toBeGreaterThan(finetuned - 0.05);
  expect(first.finetune?.qat?.history).toHaveLength(1);

  // The QAT phase is step progressiveSteps + 1; its parameters include every learned step size.
  const inQat = checkpoints.filter((c) => c.progressiveStep === c.progressiveSteps + 1 && c.train.step > 0);
  expect(inQat.length).toBeGreaterThan(0);
  const scales = Object.keys(inQat[0].train.params).filter((k) => k.endsWith('_qat_s'));
  expect(scales.length).toBeGreaterThan(10);

  const resumed = await runPipeline({ ...(await inputs()), finetuneControl: { resume: inQat[0] } });
  const again = resumed.stages.find((s) => s.name === 'pruned-int8')!;
  expect(Buffer.from(again.bytes).equals(Buffer.from(last.bytes))).toBe(true);
}, 600_000);

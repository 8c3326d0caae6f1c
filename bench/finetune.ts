/**
 * `npm run bench:finetune -- TRAIN_DIR`: prune fmnist-resnet8 to the MAC target, fine-tune it by
 * distillation from the original on the training images at TRAIN_DIR (IDX; never the test set),
 * quantize to INT8, and measure every stage on all 10,000 test images with onnxruntime. Then the
 * time per epoch of the same distillation in PyTorch CPU (Debian python3-torch at /usr/bin/python3),
 * side by side; the bench installs nothing and says when torch is absent.
 *
 * Env: MODELS (fmnist-resnet8), MACS_TARGET (0.6), STEPS (progressive steps, 1), EPOCHS (3),
 * STEP_EPOCHS (1), SAMPLES (training images used, all), BATCH (64), LR (0.001), OPTIMIZER (adamw),
 * CE (cross-entropy weight with labels, 0), EVAL_LIMIT (all), TORCH_SAMPLES (5000), THREADS (1),
 * QAT (1: quantization-aware fine-tuning makes the pruned INT8 stage, and the post-training INT8 of
 * the same fine-tuned model is measured beside it; 0: post-training INT8 only), QAT_EPOCHS (1),
 * QAT_LR (0.0001), TORCH (0 skips the PyTorch side by side).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  createOrtRuntime,
  evaluateModel,
  modelInput,
  type Dataset,
  type InferenceRuntime,
} from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';
import { parseRecipe, runPipeline, type PipelineResult } from '../src/core/pipeline';
import { datasetFeeds, quantizeModel } from '../src/core/quant';
import { importModel } from '../src/core/graph';
import { decodeModel } from '../src/core/onnx';
import { createWasmBackend } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';
import { printStageTable } from './stage-table';

const env = process.env;
const trainDir = process.argv[2];
if (!trainDir || !existsSync(trainDir)) {
  console.error(
    'usage: npm run bench:finetune -- TRAIN_DIR   (e.g. ../shared/zoo/fmnist-train: IDX training images)',
  );
  process.exit(2);
}
const threads = Number(env.THREADS ?? 1);
const batch = Number(env.BATCH ?? 64);
const qat = (env.QAT ?? '1') !== '0';
const recipe = parseRecipe({
  version: 1,
  prune: {
    criterion: 'reconstruction',
    macsTarget: Number(env.MACS_TARGET ?? 0.6),
    recover: ['compensate', 'lsq', 'bn'],
    steps: Number(env.STEPS ?? 1),
    includeFirst: true,
    includeClassifier: true,
  },
  finetune: {
    enabled: true,
    epochs: Number(env.EPOCHS ?? 3),
    stepEpochs: Number(env.STEP_EPOCHS ?? 1),
    batchSize: batch,
    lr: Number(env.LR ?? 1e-3),
    optimizer: env.OPTIMIZER ?? 'adamw',
    ce: Number(env.CE ?? 0),
    qat: qat,
    qatEpochs: Number(env.QAT_EPOCHS ?? 1),
    qatLr: Number(env.QAT_LR ?? 1e-4),
    ...(env.SAMPLES ? { samples: Number(env.SAMPLES) } : {}),
  },
  quantize: { method: 'minmax' },
  data: {
    preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
    calibrationSamples: 1000,
    batchSize: 100,
    ...(env.EVAL_LIMIT ? { evalLimit: Number(env.EVAL_LIMIT) } : {}),
  },
  evaluate: { threads, runs: 30, warmup: 5, batch: 1 },
});

const runtime = await createOrtRuntime({ backend: 'wasm', threads });
const kernels = await createWasmBackend(nodeWasmLoader);
const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
const evaluation = await openDatasetPath('tests/fixtures/fmnist-test');
const training = await openDatasetPath(trainDir);

for (const name of (env.MODELS ?? 'fmnist-resnet8').split(',')) {
  const model = new Uint8Array(readFileSync(`tests/fixtures/${name}.onnx`));
  let last = 0;
  const result = await runPipeline({
    model,
    recipe,
    calibration,
    evaluation,
    training,
    runtime,
    kernels,
    onProgress: (p) => {
      if (p.phase !== 'finetune' && performance.now() - last > 5000) {
        last = performance.now();
        console.error(`[${p.phase}] ${p.message}`);
      }
    },
    onTrainProgress: (p) => {
      if (performance.now() - last < 30_000) return;
      last = performance.now();
      console.error(
        `[finetune] epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ETA ${Math.round(p.etaMs / 1000)} s`,
      );
    },
  });
  const f = recipe.finetune;
  printStageTable(
    name,
    `${recipe.prune.macsTarget! * 100}% MACs target, ${recipe.prune.steps} step(s), reconstruction + compensate/lsq/bn, then distillation T=${f.temperature} ${f.optimizer} lr ${f.lr} batch ${f.batchSize} × ${f.epochs} epoch(s) on ${trainDir}, INT8 uint8/per-channel; wasm ${threads} thread`,
    result,
  );
  const ft = result.finetune!;
  console.log('epochs (final run):');
  for (const e of ft.history)
    console.log(
      `  ${e.epoch}: loss ${e.loss.toFixed(4)}  held-out top-1 ${e.heldOut === undefined ? '—' : (100 * e.heldOut).toFixed(2) + '%'}  ${(e.ms / 1000).toFixed(1)} s`,
    );
  console.log(
    `kept epoch ${ft.bestEpoch}${ft.stoppedEarly ? ' (stopped early)' : ''}; trained on ${ft.trainSamples} images, held out ${ft.heldOutSamples}; frozen parameters: ${ft.frozen.params.length}`,
  );
  const perImage = ft.msPerEpoch / ft.trainSamples;
  const oursEpoch = (perImage * 59_000) / 1000;
  console.log(
    `Whittle (WASM SIMD kernels, Node, 1 thread): ${(perImage * 1000).toFixed(0)} µs per image → ${oursEpoch.toFixed(1)} s per 59,000-image epoch`,
  );
  if (qat) await qatBesidePtq(result, runtime, calibration, evaluation);
  if (env.TORCH !== '0')
    torchSideBySide(name, model, result.stages.find((s) => s.name === 'finetuned')!.bytes, oursEpoch);
}

/**
 * The QAT row beside post-training INT8 of the very model QAT started from (the fine-tuned stage,
 * quantized with the recipe's scheme and calibration set), both on the evaluation set.
 */
async function qatBesidePtq(
  result: PipelineResult,
  runtime: InferenceRuntime,
  calibration: Dataset,
  evaluation: Dataset,
): Promise<void> {
  const finetuned = result.stages.find((s) => s.name === 'finetuned')!;
  const trained = result.stages.find((s) => s.name === 'pruned-int8')!;
  const input = modelInput(importModel(decodeModel(finetuned.bytes)))!;
  const preprocess = { scale: 1 / 255, mean: [0.286], std: [0.353] }; // the recipe's, as a spec
  const ptq = await quantizeModel(finetuned.bytes, {
    runtime,
    kernels,
    method: 'minmax',
    calibration: () => datasetFeeds(calibration, input, { preprocess, limit: 1000, batchSize: 100 }),
  });
  const top1 = async (bytes: Uint8Array) => {
    const session = await runtime.createSession(bytes);
    try {
      const r = await evaluateModel(session, evaluation, { preprocess, batchSize: 250 });
      return r.accuracy!.top1;
    } finally {
      await session.release();
    }
  };
  const original = result.stages[0].result.accuracy?.top1 ?? NaN;
  const [p, q, f] = [await top1(ptq.bytes), await top1(trained.bytes), await top1(finetuned.bytes)];
  const pt = (x: number) => `${(100 * x).toFixed(2)} %`;
  const drop = (x: number) => `${(100 * (x - original)).toFixed(2)} pt`;
  const ft = result.finetune!.qat!;
  console.log(
    `QAT vs post-training INT8 on ${evaluation.size} test images (original ${pt(original)}):\n` +
      `  ${finetuned.label}: ${pt(f)} (${drop(f)})\n` +
      `  + INT8 (PTQ, minmax, 1,000 calibration images): ${pt(p)} (${drop(p)})\n` +
      `  + INT8 (QAT, ${ft.history.length} epoch(s), lr ${recipe.finetune.qatLr}, ${(ft.msPerEpoch / 1000).toFixed(0)} s/epoch): ${pt(q)} (${drop(q)})`,
  );
}

/** The same distillation in PyTorch CPU, when /usr/bin/python3 has torch and onnx. */
function torchSideBySide(name: string, teacher: Uint8Array, student: Uint8Array, oursEpoch: number): void {
  const python = '/usr/bin/python3';
  try {
    execFileSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
  } catch {
    console.log(
      `PyTorch: not measured — ${python} has no torch (or no onnx); install Debian python3-torch and python3-onnx to compare.`,
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'whittle-bench-'));
  writeFileSync(join(dir, 'teacher.onnx'), teacher);
  writeFileSync(join(dir, 'student.onnx'), student);
  const samples = Number(env.TORCH_SAMPLES ?? 5000);
  for (const t of [threads, 2].filter((v, i, a) => a.indexOf(v) === i)) {
    const out = execFileSync(
      python,
      [
        'bench/finetune_torch.py',
        join(dir, 'teacher.onnx'),
        join(dir, 'student.onnx'),
        trainDir,
        String(samples),
        String(batch),
        String(t),
        '1',
      ],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!) as { secondsPerEpoch: number; torch: string };
    const torchEpoch = (r.secondsPerEpoch / samples) * 59_000;
    console.log(
      `PyTorch ${r.torch} CPU, ${t} thread(s), same student/teacher/batch: ${torchEpoch.toFixed(1)} s per 59,000-image epoch → Whittle/PyTorch ${(oursEpoch / torchEpoch).toFixed(2)}× (goal ≤ 2×)`,
    );
  }
  void name;
}

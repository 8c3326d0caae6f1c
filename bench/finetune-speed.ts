/**
 * `npm run bench:finetune-speed -- TRAIN_DIR`: the timing part of bench:finetune alone — prune one
 * model to its MAC target (reconstruction + compensate/lsq/bn, as bench:finetune does), then time one
 * epoch of the same distillation side by side with PyTorch CPU (see finetune-epoch.ts). No accuracy.
 *
 * Env: MODEL (fmnist-resnet8:0.6 — name:MAC target), TIME_SAMPLES (2000), ROUNDS (alternating
 * Whittle/PyTorch rounds, the fastest epoch of each counts; 1), BATCH (64), THREADS (1),
 * BN (batch | running; batch), TORCH (0 skips PyTorch), STUDENT (a pruned student .onnx to time
 * instead of pruning again; each run saves its student and prints the path).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrtRuntime } from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';
import { parseRecipe, runPipeline } from '../src/core/pipeline';
import { createWasmBackend } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';
import { epochSideBySide, epochTimingFromEnv } from './finetune-epoch';

const env = process.env;
const trainDir = process.argv[2];
if (!trainDir || !existsSync(trainDir)) {
  console.error('usage: npm run bench:finetune-speed -- TRAIN_DIR   (e.g. ../shared/zoo/fmnist-train)');
  process.exit(2);
}
const threads = Number(env.THREADS ?? 1);
const [name, target] = (env.MODEL ?? 'fmnist-resnet8:0.6').split(':');
const recipe = parseRecipe({
  version: 1,
  prune: {
    criterion: 'reconstruction',
    macsTarget: Number(target ?? 0.6),
    recover: ['compensate', 'lsq', 'bn'],
    includeFirst: true,
    includeClassifier: true,
  },
  finetune: { batchSize: Number(env.BATCH ?? 64), batchNorm: env.BN ?? 'batch' },
  quantize: { enabled: false },
  data: {
    preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
    calibrationSamples: 1000,
    batchSize: 100,
  },
  evaluate: { threads, runs: 1, warmup: 0, batch: 1 },
});
const runtime = await createOrtRuntime({ backend: 'wasm', threads });
const kernels = await createWasmBackend(nodeWasmLoader);
const teacher = new Uint8Array(readFileSync(`tests/fixtures/${name}.onnx`));
let student: Uint8Array;
if (env.STUDENT) {
  student = new Uint8Array(readFileSync(env.STUDENT));
  console.log(`student: ${env.STUDENT}`);
} else {
  const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
  const result = await runPipeline({ model: teacher, recipe, calibration, runtime, kernels });
  student = result.stages.find((s) => s.name === 'recovered')!.bytes;
  const path = join(tmpdir(), `whittle-student-${name}-${target}.onnx`);
  writeFileSync(path, student);
  console.log(
    `student: ${name} pruned to ${Number(target) * 100} % of MACs removed, saved as ${path} (STUDENT=… reuses it)`,
  );
}
await epochSideBySide({
  teacher,
  student,
  recipe,
  training: await openDatasetPath(trainDir),
  trainDir,
  threads,
  runtime,
  kernels,
  ...epochTimingFromEnv(env),
});

/**
 * One epoch of a recipe's distillation timed side by side with PyTorch CPU (Debian python3-torch at
 * /usr/bin/python3; nothing is installed, and the row says when torch is absent). Both sides train
 * the same student from the same teacher on the first `samples` training images, with the same batch,
 * thread count, loss, optimizer and augmentation, and are timed in CPU seconds of their own process
 * (the machine is shared: wall time says more about the neighbours than about the code). With
 * `rounds` > 1 the two sides alternate and each keeps its fastest epoch, so a burst of load on the
 * shared machine hits both alike.
 *
 * "epoch" is the steps alone, on both sides. Whittle's run also has one-off work PyTorch's timed
 * epoch does not: with BatchNorm 'batch', the statistics pass that sets the inserted BatchNorms up
 * and the re-estimation at the end (and onnxruntime's session, for a teacher the training engine
 * cannot run; the engine runs every other teacher itself). That is the "set-up" row,
 * shown apart rather than hidden in either.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelInput, type Dataset, type InferenceRuntime } from '../src/core/eval';
import { importModel } from '../src/core/graph';
import { decodeModel } from '../src/core/onnx';
import { distillSettings, type Recipe } from '../src/core/pipeline';
import { preprocessOf } from '../src/core/pipeline/recipe-map';
import { backendCompute, distill, loadTrainingData } from '../src/core/train';
import type { KernelBackend } from '../src/kernels';

export interface EpochTimingInputs {
  teacher: Uint8Array;
  student: Uint8Array;
  recipe: Recipe;
  training: Dataset;
  /** The IDX directory of `training`, for the PyTorch side. */
  trainDir: string;
  samples: number;
  threads: number;
  runtime: InferenceRuntime;
  kernels: KernelBackend;
  /** Alternating Whittle, PyTorch rounds; each side's fastest epoch counts (1). */
  rounds?: number;
  /** Skip PyTorch. */
  noTorch?: boolean;
}

/** The timing knobs both benches read from the environment: TIME_SAMPLES, ROUNDS, TORCH. */
export const epochTimingFromEnv = (env: NodeJS.ProcessEnv) => ({
  samples: Number(env.TIME_SAMPLES ?? 2000),
  rounds: Number(env.ROUNDS ?? 1),
  noTorch: env.TORCH === '0',
});

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

export const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Prints the epoch and set-up rows and the ratio; returns our and PyTorch's epoch CPU seconds. */
export async function epochSideBySide(inputs: EpochTimingInputs): Promise<{ ours: number; torch?: number }> {
  const { samples, recipe, threads } = inputs;
  const batch = recipe.finetune.batchSize;
  const teacher = importModel(decodeModel(inputs.teacher));
  const data = await loadTrainingData(inputs.training, {
    input: modelInput(teacher)!,
    preprocess: preprocessOf(recipe),
    limit: samples,
  });
  const python = '/usr/bin/python3';
  let torchMissing: string | undefined;
  try {
    if (inputs.noTorch) throw new Error('skipped');
    execFileSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
  } catch {
    torchMissing = inputs.noTorch
      ? 'skipped (TORCH=0)'
      : `${python} has no torch (or no onnx); install Debian python3-torch and python3-onnx to compare`;
  }
  const dir = mkdtempSync(join(tmpdir(), 'whittle-bench-'));
  writeFileSync(join(dir, 'teacher.onnx'), inputs.teacher);
  writeFileSync(join(dir, 'student.onnx'), inputs.student);
  let ours: OursEpoch | undefined;
  let torch: TorchEpoch | undefined;
  const rounds = Math.max(1, inputs.rounds ?? 1);
  for (let round = 1; round <= rounds; round++) {
    const o = await oursEpoch(inputs, teacher, data);
    const t = torchMissing ? undefined : torchEpoch(python, dir, inputs);
    if (rounds > 1)
      console.log(
        `  round ${round}: Whittle epoch ${o.epoch.toFixed(1)} s${t ? `, PyTorch ${t.cpuSecondsPerEpoch.toFixed(1)} s` : ''} CPU; load average ${loadAverage()}`,
      );
    if (!ours || o.epoch < ours.epoch) ours = o;
    if (t && (!torch || t.cpuSecondsPerEpoch < torch.cpuSecondsPerEpoch)) torch = t;
  }
  const perImage = (s: number) => `${((s / samples) * 1e6).toFixed(0)} µs/image`;
  const full = (s: number) => `${((s / samples) * 59_000).toFixed(1)} s per 59,000`;
  const best = rounds > 1 ? `, fastest of ${rounds} alternating rounds` : '';
  console.log(
    `epoch time, ${samples} images (a slice of the 59,000), batch ${batch}, ${threads} thread, BatchNorm ${recipe.finetune.batchNorm}, CPU seconds of each process${best}; load average ${loadAverage()}`,
  );
  console.log(
    `  Whittle (WASM SIMD, Node) epoch:  CPU ${ours!.epoch.toFixed(1)} s = ${perImage(ours!.epoch)} → ${full(ours!.epoch)}`,
  );
  console.log(
    `  Whittle set-up (once per run):    CPU ${ours!.setUp.toFixed(1)} s (BatchNorm statistics passes, teacher set-up; wall of both ${ours!.wall.toFixed(1)} s)`,
  );
  if (!torch) {
    console.log(`  PyTorch: not measured — ${torchMissing}.`);
    return { ours: ours!.epoch };
  }
  const t = torch.cpuSecondsPerEpoch;
  console.log(
    `  PyTorch ${torch.torch} CPU epoch:      CPU ${t.toFixed(1)} s = ${perImage(t)} → ${full(t)}   (wall ${torch.secondsPerEpoch.toFixed(1)} s)`,
  );
  console.log(
    `  Whittle / PyTorch, epoch CPU seconds: ${(ours!.epoch / t).toFixed(2)}× (goal ≤ 2×); with Whittle's set-up: ${((ours!.epoch + ours!.setUp) / t).toFixed(2)}×; load average ${loadAverage()}`,
  );
  return { ours: ours!.epoch, torch: t };
}

interface OursEpoch {
  epoch: number;
  setUp: number;
  wall: number;
}

interface TorchEpoch {
  cpuSecondsPerEpoch: number;
  secondsPerEpoch: number;
  torch: string;
}

/** One distillation run of one epoch: the steps' CPU seconds apart from the rest of the run. */
async function oursEpoch(
  inputs: EpochTimingInputs,
  teacher: ReturnType<typeof importModel>,
  data: Awaited<ReturnType<typeof loadTrainingData>>,
): Promise<OursEpoch> {
  let epochStart: number | undefined;
  let epoch = 0;
  const total0 = cpuSeconds();
  const wall0 = performance.now();
  await distill({
    ...distillSettings(inputs.recipe.finetune),
    teacher,
    student: importModel(decodeModel(inputs.student)),
    data,
    compute: backendCompute(inputs.kernels),
    teacherRuntime: inputs.runtime,
    epochs: 1,
    heldOut: 0,
    // Asked before every step: the first ask starts the epoch; onEpoch ends it.
    shouldPause: () => {
      epochStart ??= cpuSeconds();
      return false;
    },
    onEpoch: () => (epoch = cpuSeconds() - epochStart!),
  });
  const total = cpuSeconds() - total0;
  return { epoch, setUp: total - epoch, wall: (performance.now() - wall0) / 1000 };
}

/** The same epoch in PyTorch (bench/finetune_torch.py), in its own process. */
function torchEpoch(python: string, dir: string, inputs: EpochTimingInputs): TorchEpoch {
  const out = execFileSync(
    python,
    [
      'bench/finetune_torch.py',
      join(dir, 'teacher.onnx'),
      join(dir, 'student.onnx'),
      inputs.trainDir,
      String(inputs.samples),
      String(inputs.recipe.finetune.batchSize),
      String(inputs.threads),
      '1',
      inputs.recipe.finetune.batchNorm,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as TorchEpoch;
}

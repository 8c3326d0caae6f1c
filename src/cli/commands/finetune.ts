/** `whittle finetune TEACHER.onnx STUDENT.onnx --train DATA --out OUT.onnx`: distillation on your own images. */
import { readFile, writeFile } from 'node:fs/promises';
import { DatasetError, modelInput, PreprocessError, createOrtRuntime } from '../../core/eval';
import { openDatasetPath, readPreprocessArg } from '../../core/eval/node';
import { exportModel, importModel } from '../../core/graph';
import { decodeModel, encodeModel } from '../../core/onnx';
import { parseRecipe, RecipeError } from '../../core/pipeline';
import { distill, loadTrainingData, backendCompute, TrainError } from '../../core/train';
import { createWasmBackend } from '../../kernels';
import { nodeWasmLoader } from '../../kernels/wasm/node-loader';
import { parseCommandArgs } from '../args';
import { UserError } from '../errors';
import { progressBar } from '../progress-bar';

export const summary = 'fine-tune a pruned model by distillation from the original on your images';

const usage = `Usage: whittle finetune TEACHER.onnx STUDENT.onnx --train DATA --out OUT.onnx [options]

  TEACHER.onnx          the original model (the teacher)
  STUDENT.onnx          the pruned model to train (e.g. from \`whittle prune\`)
  --train DATA          training images: IDX, .npy/.npz, image folders or a .zip (labels optional)
  --out OUT.onnx        the fine-tuned student
  --preprocess P        preset, JSON or JSON file; default: inferred
  --epochs N            epochs (default 3)
  --batch N             mini-batch size (default 64)
  --samples N           use the first N training samples (default all)
  --lr X                peak learning rate (default 0.001; cosine schedule after warm-up)
  --optimizer O         adamw (default) or sgd (Nesterov momentum 0.9)
  --temperature T       distillation temperature (default 4)
  --ce W                weight of cross-entropy with the labels (default 0)
  --held-out F          share held out to stop early and keep the best epoch (default 0.05)
  --seed N              seed of order, augmentation and split (default 0)
  --json                print the per-epoch history as JSON`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('finetune', argv, {
    train: { type: 'string' },
    out: { type: 'string' },
    preprocess: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    samples: { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    temperature: { type: 'string' },
    ce: { type: 'string' },
    'held-out': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 2)
    throw new UserError('finetune: expected TEACHER.onnx and STUDENT.onnx; see `whittle finetune --help`.');
  if (!values.train) throw new UserError('finetune: --train is required; see `whittle finetune --help`.');
  if (!values.out) throw new UserError('finetune: --out is required; see `whittle finetune --help`.');
  const [teacherPath, studentPath] = positionals;
  const number = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new UserError(`finetune: --${flag} must be a number, not "${v}".`);
    return x;
  };
  const bar = progressBar();
  try {
    // The recipe schema validates every value and supplies the defaults the pipeline uses.
    const recipe = parseRecipe({
      version: 1,
      finetune: {
        enabled: true,
        epochs: number('epochs', values.epochs),
        batchSize: number('batch', values.batch),
        samples: number('samples', values.samples),
        lr: number('lr', values.lr),
        optimizer: values.optimizer,
        temperature: number('temperature', values.temperature),
        ce: number('ce', values.ce),
        heldOut: number('held-out', values['held-out']),
        seed: number('seed', values.seed),
      },
    });
    const f = recipe.finetune;
    const teacher = importModel(decodeModel(new Uint8Array(await readFile(teacherPath))));
    const student = importModel(decodeModel(new Uint8Array(await readFile(studentPath))));
    const input = modelInput(teacher);
    if (!input) throw new UserError(`finetune: ${teacherPath} has no graph input to feed.`);
    const data = await loadTrainingData(await openDatasetPath(values.train), {
      input,
      preprocess: values.preprocess ? await readPreprocessArg(values.preprocess) : undefined,
      limit: f.samples,
    });
    const kernels = await createWasmBackend(nodeWasmLoader);
    const result = await distill({
      teacher,
      student,
      data,
      compute: backendCompute(kernels),
      teacherRuntime: await createOrtRuntime({ backend: 'wasm', threads: 1 }),
      epochs: f.epochs,
      batchSize: f.batchSize,
      lr: f.lr,
      warmupEpochs: f.warmupEpochs,
      optimizer: {
        name: f.optimizer,
        weightDecay: f.weightDecay,
        momentum: f.momentum,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
      },
      loss: { kd: f.kd, temperature: f.temperature, ce: f.ce, mse: f.mse },
      augment: { flip: f.flip, pad: f.pad },
      heldOut: f.heldOut,
      patience: f.patience,
      seed: f.seed,
      onProgress: (p) =>
        bar.update(
          `epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}  ETA ${Math.round(p.etaMs / 1000)} s`,
          (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs,
        ),
    });
    bar.done();
    await writeFile(values.out, encodeModel(exportModel(result.graph)));
    if (values.json) console.log(JSON.stringify({ out: values.out, ...result, graph: undefined }, null, 2));
    else {
      for (const e of result.history)
        console.log(
          `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${e.heldOut === undefined ? '' : `, held-out ${data.labels ? 'top-1' : 'agreement'} ${(100 * e.heldOut).toFixed(2)} %`} (${(e.ms / 1000).toFixed(1)} s)`,
        );
      if (result.frozen.params.length)
        console.log(
          `Frozen (no gradient through ${result.frozen.blockedBy.map((b) => `${b.opType} '${b.node}'`).join(', ')}): ${result.frozen.params.join(', ')}`,
        );
      console.log(
        `Kept epoch ${result.bestEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}. Wrote ${values.out}`,
      );
    }
    return 0;
  } catch (e) {
    bar.done();
    if (
      e instanceof TrainError ||
      e instanceof DatasetError ||
      e instanceof PreprocessError ||
      e instanceof RecipeError
    )
      throw new UserError(`finetune: ${e.message}`);
    throw e;
  }
}

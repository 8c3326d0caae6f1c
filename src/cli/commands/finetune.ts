/** `whittle finetune TEACHER.onnx STUDENT.onnx --train DATA --out OUT.onnx`: distillation on your own images. */
import { createOrtRuntime, modelInput } from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { openTaskDatasetPath } from '../../core/tasks/node';
import { exportModel, importModel } from '../../core/graph';
import { encodeModel } from '../../core/onnx';
import { distillSettings, parseRecipe } from '../../core/pipeline';
import { backendCompute, distill, loadTrainingData } from '../../core/train';
import { createWasmBackend } from '../../kernels';
import { nodeWasmLoader } from '../../kernels/wasm/node-loader';
import { defineCommand } from '../command';
import { modelOutputs, readModelFile, WEIGHTS_OPTION, writeModelFile } from '../model-file';
import { checkOutputs } from '../output';
import { progressBar } from '../progress-bar';

export const { summary, run } = defineCommand({
  name: 'finetune',
  summary: 'fine-tune a pruned model by distillation from the original on your images',
  usage: `Usage: whittle finetune TEACHER.onnx STUDENT.onnx --train DATA --out OUT.onnx [options]

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
  --batch-norm M        running (default: BatchNorm keeps its statistics, folded convolutions train
                        as they are) or batch (a BatchNorm after every Conv, batch statistics while
                        training, re-estimated and folded back after)
  --held-out F          share held out to stop early and keep the best epoch (default 0.05)
  --seed N              seed of order, augmentation and split (default 0)
${WEIGHTS_OPTION.usage}
  --json                print the per-epoch history as JSON`,
  options: {
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
    'batch-norm': { type: 'string' },
    'held-out': { type: 'string' },
    seed: { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals, required, fail }) {
    if (positionals.length !== 2)
      fail('expected TEACHER.onnx and STUDENT.onnx; see `whittle finetune --help`.');
    const [teacherPath, studentPath] = positionals;
    const train = required('train');
    const out = required('out');
    const number = (flag: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!Number.isFinite(x)) fail(`--${flag} must be a number, not "${v}".`);
      return x;
    };
    const teacherFile = await readModelFile(teacherPath);
    const studentFile = await readModelFile(studentPath);
    const placement = WEIGHTS_OPTION.parse('finetune', values.weights, studentFile);
    checkOutputs('finetune', modelOutputs(out, placement), [
      teacherPath,
      ...teacherFile.dataFiles,
      studentPath,
      ...studentFile.dataFiles,
      train,
      values.preprocess,
    ]);
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
        batchNorm: values['batch-norm'],
        heldOut: number('held-out', values['held-out']),
        seed: number('seed', values.seed),
      },
    });
    const f = recipe.finetune;
    const teacher = importModel(teacherFile.model);
    const student = importModel(studentFile.model);
    const input = modelInput(teacher);
    if (!input) fail(`${teacherPath} has no graph input to feed.`);
    const bar = progressBar();
    try {
      const data = await loadTrainingData(await openTaskDatasetPath(train), {
        input: input!,
        preprocess: values.preprocess ? await readPreprocessArg(values.preprocess) : undefined,
        limit: f.samples,
      });
      const kernels = await createWasmBackend(nodeWasmLoader);
      const result = await distill({
        ...distillSettings(f),
        teacher,
        student,
        data,
        compute: backendCompute(kernels),
        teacherRuntime: await createOrtRuntime({ backend: 'wasm', threads: 1 }),
        onProgress: (p) => {
          const done = p.epoch - 1 + p.step / p.stepsPerEpoch;
          bar.show({
            phase: 'finetune',
            done,
            total: p.epochs,
            unit: 'epochs',
            fraction: done / p.epochs,
            message: `epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`,
          });
        },
      });
      bar.done();
      const written = await writeModelFile(
        'finetune',
        out,
        encodeModel(exportModel(result.graph)),
        placement,
      );
      if (values.json)
        console.log(JSON.stringify({ out, files: written.paths, ...result, graph: undefined }, null, 2));
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
          `Kept epoch ${result.bestEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}. Wrote ${written.paths.join(' and ')}`,
        );
      }
      return 0;
    } finally {
      bar.done();
    }
  },
});

/** `whittle finetune TEACHER.onnx STUDENT.onnx --train DATA --out OUT.onnx`: distillation on your own images. */
import { checkFeed, createOrtRuntime, modelInput, resolvePreprocess } from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { openTaskDatasetPath } from '../../core/tasks/node';
import { exportModel, importModel } from '../../core/graph';
import { encodeModel } from '../../core/onnx';
import { distillSettings, parseRecipe } from '../../core/pipeline';
import { quantOptionsOf } from '../../core/pipeline/recipe-map';
import { quantizationAwareFinetune } from '../../core/qat';
import { datasetFeeds } from '../../core/quant';
import {
  backendCompute,
  distill,
  loadTrainingData,
  type EpochRecord,
  type TrainProgress,
} from '../../core/train';
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
  --qat                 then quantization-aware epochs: the student's INT8 plan fake-quantized, step
                        sizes learned; OUT.onnx is the INT8 (QDQ) model that computes what was trained
  --calib DATA          with --qat: calibration images that set the INT8 plan's starting scales
  --qat-epochs N        quantization-aware epochs (default 1)
  --qat-lr X            their peak learning rate (default 0.0001)
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
    qat: { type: 'boolean' },
    calib: { type: 'string' },
    'qat-epochs': { type: 'string' },
    'qat-lr': { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals, required, fail }) {
    if (positionals.length !== 2)
      fail('expected TEACHER.onnx and STUDENT.onnx; see `whittle finetune --help`.');
    const [teacherPath, studentPath] = positionals;
    const train = required('train');
    const out = required('out');
    // QAT starts from post-training INT8 of the student, whose scales only calibration data sets.
    if (values.qat && values.calib === undefined)
      fail('--qat needs --calib DATA: the calibration images that set the INT8 plan it trains.');
    if (!values.qat && (values.calib ?? values['qat-epochs'] ?? values['qat-lr']) !== undefined)
      fail('--calib, --qat-epochs and --qat-lr only apply with --qat.');
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
      values.calib,
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
        qat: values.qat,
        qatEpochs: number('qat-epochs', values['qat-epochs']),
        qatLr: number('qat-lr', values['qat-lr']),
      },
    });
    const f = recipe.finetune;
    const teacher = importModel(teacherFile.model);
    const student = importModel(studentFile.model);
    const input = modelInput(teacher);
    if (!input) fail(`${teacherPath} has no graph input to feed.`);
    const bar = progressBar();
    try {
      const preprocess = values.preprocess ? await readPreprocessArg(values.preprocess) : undefined;
      const data = await loadTrainingData(await openTaskDatasetPath(train), {
        input: input!,
        preprocess,
        limit: f.samples,
      });
      const calibration = values.calib === undefined ? undefined : await openTaskDatasetPath(values.calib);
      // The calibration data must fit the model before any epoch is spent.
      if (calibration)
        checkFeed(student, input!, resolvePreprocess(preprocess, input!, calibration), calibration);
      const kernels = await createWasmBackend(nodeWasmLoader);
      const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
      const total = f.epochs + (f.qat ? f.qatEpochs : 0);
      const progress = (before: number, label: string) => (p: TrainProgress) => {
        const done = before + p.epoch - 1 + p.step / p.stepsPerEpoch;
        bar.show({
          phase: 'finetune',
          done,
          total,
          unit: 'epochs',
          fraction: done / total,
          message: `${label}epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`,
        });
      };
      const settings = { ...distillSettings(f), teacher, data, teacherRuntime: runtime };
      const result = await distill({
        ...settings,
        student,
        compute: backendCompute(kernels),
        onProgress: progress(0, ''),
      });
      const qat =
        calibration &&
        (await quantizationAwareFinetune(result.graph, {
          kernels,
          quantize: {
            ...quantOptionsOf(recipe),
            runtime,
            calibration: () =>
              datasetFeeds(calibration, input!, {
                preprocess,
                limit: recipe.data.calibrationSamples,
                batchSize: recipe.data.batchSize,
              }),
          },
          train: {
            ...settings,
            epochs: f.qatEpochs,
            lr: f.qatLr,
            warmupEpochs: 0,
            onProgress: progress(f.epochs, 'QAT: '),
          },
        }));
      bar.done();
      const written = await writeModelFile(
        'finetune',
        out,
        qat ? qat.quantized.bytes : encodeModel(exportModel(result.graph)),
        placement,
      );
      if (values.json)
        console.log(
          JSON.stringify(
            {
              out,
              files: written.paths,
              ...result,
              graph: undefined,
              ...(qat && { qat: { history: qat.trained.history, bestEpoch: qat.trained.bestEpoch } }),
            },
            null,
            2,
          ),
        );
      else {
        const epochLine = (e: EpochRecord, label: string) =>
          `${label}epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${e.heldOut === undefined ? '' : `, held-out ${data.labels ? 'top-1' : 'agreement'} ${(100 * e.heldOut).toFixed(2)} %`} (${(e.ms / 1000).toFixed(1)} s)`;
        for (const e of result.history) console.log(epochLine(e, ''));
        for (const e of qat?.trained.history ?? []) console.log(epochLine(e, 'QAT '));
        if (result.frozen.params.length)
          console.log(
            `Frozen (no gradient through ${result.frozen.blockedBy.map((b) => `${b.opType} '${b.node}'`).join(', ')}): ${result.frozen.params.join(', ')}`,
          );
        console.log(
          `Kept epoch ${result.bestEpoch}${result.stoppedEarly ? ' (stopped early)' : ''}${qat ? `, then QAT epoch ${qat.trained.bestEpoch}: the INT8 (QDQ) model` : ''}. Wrote ${written.paths.join(' and ')}`,
        );
      }
      return 0;
    } finally {
      bar.done();
    }
  },
});

/** `whittle prune MODEL (--ratio R | --macs-target T) … --out OUT.onnx`: filter pruning with optional recovery. */
import { basename } from 'node:path';
import { checkFeed, createOrtRuntime, modelInput, resolvePreprocess, type Backend } from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { openTaskDatasetPath } from '../../core/tasks/node';
import { costModel, exportModel, imageInputShapes, importModel, inferShapes } from '../../core/graph';
import { encodeModel } from '../../core/onnx';
import {
  calibrationFromDataset,
  checkPrunedModel,
  cloneGraph,
  pruneModel,
  removeChannels,
  type CriterionName,
  type PrunePlan,
  type RecoveryOptions,
} from '../../core/prune';
import { defineCommand } from '../command';
import { KERNEL_CHOICES, kernelsLine, kernelsReport, pickKernels } from '../kernels';
import { modelOutputs, readModelFile, WEIGHTS_OPTION, writeModelFile } from '../model-file';
import { checkOutputs } from '../output';
import { INPUT_SIZE_OPTION } from '../input-size';
import { progressBar } from '../progress-bar';
import { progressTracker } from '../../core/progress';

const CRITERIA = ['l1', 'l2', 'fpgm', 'activation', 'reconstruction'] as const;
const STEPS = ['compensate', 'lsq', 'bn'];

export const { summary, run } = defineCommand({
  name: 'prune',
  summary: 'filter pruning (criteria, ratio or MAC target, recovery without retraining)',
  usage: `Usage: whittle prune MODEL.onnx (--ratio R | --macs-target T) --out OUT.onnx [options]

  --ratio R             prune this fraction of each group's channels (of all, with --global)
  --macs-target T       remove this fraction of the model's MACs (0.4 = 40 %)
  --criterion C         l1, l2, fpgm, activation or reconstruction (the last two need --calib);
                        default: reconstruction with --calib, fpgm without
  --global              rank all groups' channels together (per-group cap --max-group-ratio, default 0.9)
  --round-to N          kept channels a multiple of N
  --include-first       also prune the first convolution's channels
  --include-classifier  also prune the features the classifier reads
  --recover LIST        comma-separated: compensate, lsq, bn (needs --calib)
  --calib DATA          calibration images (folder, IDX, .zip, .npy …)
  --calib-limit N       calibration samples to use (default 1000)
  --preprocess P        preset, JSON or JSON file; default: inferred
  --steps K             reach the target in K progressive steps (default 1)
  --mask-only           write the masked model (same shapes, pruned channels zeroed)
${INPUT_SIZE_OPTION.usage}
                    (with --calib the data's size is used)
  --backend B           runtime for calibration: wasm (default) or native
${WEIGHTS_OPTION.usage}
  --kernels K           math kernels: auto (default: fastest here), reference, wasm or webgpu
  --json                print the plan and costs as JSON`,
  options: {
    ratio: { type: 'string' },
    'macs-target': { type: 'string' },
    criterion: { type: 'string' },
    global: { type: 'boolean' },
    'max-group-ratio': { type: 'string' },
    'round-to': { type: 'string' },
    'include-first': { type: 'boolean' },
    'include-classifier': { type: 'boolean' },
    recover: { type: 'string' },
    calib: { type: 'string' },
    'calib-limit': { type: 'string' },
    preprocess: { type: 'string' },
    steps: { type: 'string' },
    'mask-only': { type: 'boolean' },
    'input-size': { type: 'string' },
    backend: { type: 'string' },
    kernels: { type: 'string' },
    out: { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, one, required, fail, fraction, integer, choice, list }) {
    const path = one('MODEL.onnx path');
    if ((values.ratio === undefined) === (values['macs-target'] === undefined))
      fail('give exactly one of --ratio and --macs-target; see `whittle prune --help`.');
    const out = required('out');
    const ratio = fraction('ratio');
    const macsTarget = fraction('macs-target');
    // Default: reconstruction with calibration data, FPGM without.
    const criterion: CriterionName = values.criterion
      ? choice('criterion', CRITERIA)
      : values.calib
        ? 'reconstruction'
        : 'fpgm';
    const recoverList = list('recover') ?? [];
    for (const s of recoverList)
      if (!STEPS.includes(s)) fail(`unknown recovery step "${s}" (use ${STEPS.join(', ')}).`);
    if ((recoverList.length || criterion === 'activation' || criterion === 'reconstruction') && !values.calib)
      fail('recovery and the activation and reconstruction criteria need --calib DATA.');
    const backend: Backend = choice('backend', ['wasm', 'native']);
    const imageSize = INPUT_SIZE_OPTION.parse(values['input-size'], fail);
    const calibLimit = integer('calib-limit') ?? 1000;
    const rules = {
      maxGroupRatio: fraction('max-group-ratio'),
      roundTo: integer('round-to'),
      steps: integer('steps'),
    };

    const input = await readModelFile(path);
    const placement = WEIGHTS_OPTION.parse('prune', values.weights, input);
    checkOutputs('prune', modelOutputs(out, placement), [path, ...input.dataFiles, values.calib]);
    const graph = importModel(input.model);
    const kernelChoice = choice('kernels', KERNEL_CHOICES);
    const selection = await pickKernels(kernelChoice, `prune: --kernels ${kernelChoice} cannot run here`);
    const kernels = selection.backend;
    const bar = progressBar();
    const progress = progressTracker(bar.show);
    try {
      let inputShapes = imageSize ? imageInputShapes(graph, inferShapes(graph), imageSize) : undefined;
      const runtime = values.calib ? await createOrtRuntime({ backend }) : undefined;
      let calibration;
      if (values.calib && runtime) {
        const preprocess = values.preprocess ? await readPreprocessArg(values.preprocess) : undefined;
        const dataset = await openTaskDatasetPath(values.calib);
        const input = modelInput(graph)!;
        // The data must fit the model before onnxruntime runs it; costs are then counted at its size.
        inputShapes = checkFeed(graph, input, resolvePreprocess(preprocess, input, dataset), dataset);
        const samples = Math.min(calibLimit, dataset.size);
        progress.start('analyse', samples, 'samples', 'Reading the calibration samples');
        calibration = await calibrationFromDataset(dataset, {
          input,
          preprocess,
          limit: calibLimit,
          onProgress: (n) => progress.set('analyse', n),
        });
        progress.finish('analyse');
      }
      const recover: RecoveryOptions = {
        compensate: recoverList.includes('compensate'),
        lsq: recoverList.includes('lsq'),
        bn: recoverList.includes('bn'),
      };
      const { masked, plan } = await pruneModel(graph, {
        // Reconstruction scores are already relative output losses, comparable across layers as they are.
        criterion: { criterion, normalize: criterion === 'reconstruction' ? 'none' : 'mean' },
        recipe: {
          ratio,
          macsTarget,
          global: values.global,
          maxGroupRatio: rules.maxGroupRatio,
          roundTo: rules.roundTo,
          includeFirst: values['include-first'],
          includeClassifier: values['include-classifier'],
          inputShapes,
        },
        kernels,
        runtime,
        calibration,
        recover,
        steps: rules.steps,
        onRanking: (k, n) => progress.start('prune', n, 'plans', `Ranking channels, step ${k} of ${n}`),
        onMasked: (k, n, _masked, p) => {
          progress.set('prune', k, `Planned: ${p.prunedChannels} of ${p.prunableChannels} channels`);
          if (recover.compensate || recover.lsq || recover.bn)
            progress.start('recover', n, 'steps', `Recovering, step ${k} of ${n}`);
        },
        onRecovery: (k, _n, f, label) => progress.set('recover', k - 1 + f, label),
      });
      progress.start('remove', 1, 'models', 'Removing pruned channels and checking the smaller model');
      const result = values['mask-only'] ? masked : cloneGraph(masked);
      if (!values['mask-only']) removeChannels(result, plan);
      const outBytes = encodeModel(exportModel(result));
      await checkPrunedModel(
        runtime ?? (await createOrtRuntime({ backend })),
        outBytes,
        values['mask-only'] ? undefined : encodeModel(exportModel(masked)),
      );
      progress.finish('remove');
      bar.done();
      const written = await writeModelFile('prune', out, outBytes, placement);
      const before = costModel(graph, undefined, { inputShapes });
      const after = costModel(result, undefined, { inputShapes });
      const report = {
        model: path,
        out,
        files: written.paths,
        maskOnly: values['mask-only'] ?? false,
        recover: recoverList,
        plan: { ...plan, groups: plan.groups.map(({ members: _m, ...g }) => (void _m, g)) },
        before: { parameters: before.parameters, macs: before.macs, bytes: input.fileBytes },
        after: { parameters: after.parameters, macs: after.macs, bytes: written.bytes },
        kernels: kernelsReport(selection),
      };
      console.log(
        values.json
          ? JSON.stringify(report, null, 2)
          : formatReport(basename(path), plan, report, kernelsLine(selection)),
      );
      return 0;
    } finally {
      bar.done();
      kernels.dispose();
    }
  },
});

interface Costs {
  parameters: number;
  /** Null when the model's input size is symbolic and neither --input-size nor --calib gave it. */
  macs: number | null;
  bytes: number;
}

function formatReport(
  model: string,
  plan: PrunePlan,
  r: { files: string[]; maskOnly: boolean; recover: string[]; before: Costs; after: Costs },
  kernels: string,
): string {
  const lines = [
    `${model}: ${plan.mode} plan, criterion ${plan.criterion}, ${plan.prunedChannels} of ${plan.prunableChannels} eligible channels pruned`,
  ];
  for (const g of plan.groups) {
    if (g.status === 'pruned')
      lines.push(`  ${g.id.padEnd(5)} ${String(g.channels).padStart(5)} → ${g.keep}`);
    else if (g.status === 'excluded')
      lines.push(`  ${g.id.padEnd(5)} ${String(g.channels).padStart(5)}   kept: ${g.reason}`);
  }
  if (plan.note) lines.push(`  note: ${plan.note}`);
  const pct = (a: number, b: number) => (b ? `${(((b - a) / b) * 100).toFixed(1)} % less` : '');
  lines.push(
    `Parameters  ${r.before.parameters.toLocaleString('en-US')} → ${r.after.parameters.toLocaleString('en-US')} (${pct(r.after.parameters, r.before.parameters)})`,
    r.before.macs === null || r.after.macs === null
      ? "MACs        unknown: the model's input size is symbolic; pass --input-size HxW (or --calib) to count them"
      : `MACs        ${r.before.macs.toLocaleString('en-US')} → ${r.after.macs.toLocaleString('en-US')} (${pct(r.after.macs, r.before.macs)})`,
    `Bytes       ${r.before.bytes.toLocaleString('en-US')} → ${r.after.bytes.toLocaleString('en-US')}`,
    `Recovery    ${r.recover.length ? r.recover.join(', ') : 'none'}`,
    kernels,
    `Wrote ${r.files.join(' and ')}${r.maskOnly ? ' (masked: same shapes, pruned channels zeroed)' : ''}`,
  );
  return lines.join('\n');
}

/** `whittle prune MODEL (--ratio R | --macs-target T) … --out OUT.onnx`: filter pruning with optional recovery. */
import { basename } from 'node:path';
import { createOrtRuntime, DatasetError, PreprocessError, type Backend } from '../../core/eval';
import { openDatasetPath, readPreprocessArg } from '../../core/eval/node';
import { costModel, exportModel, importModel } from '../../core/graph';
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
import { onePositional, parseCommandArgs } from '../args';
import { UserError } from '../errors';
import { modelOutputs, readModelFile, WEIGHTS_OPTION, writeModelFile } from '../model-file';
import { checkOutputs } from '../output';
import { KERNEL_CHOICES, kernelsLine, kernelsReport, pickKernels, type KernelChoice } from '../kernels';

export const summary = 'filter pruning (criteria, ratio or MAC target, recovery without retraining)';

const usage = `Usage: whittle prune MODEL.onnx (--ratio R | --macs-target T) --out OUT.onnx [options]

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
  --backend B           runtime for calibration: wasm (default) or native
${WEIGHTS_OPTION.usage}
  --kernels K           math kernels: auto (default: fastest here), reference, wasm or webgpu
  --json                print the plan and costs as JSON`;

const CRITERIA = ['l1', 'l2', 'fpgm', 'activation', 'reconstruction'];
const STEPS = ['compensate', 'lsq', 'bn'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('prune', argv, {
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
    backend: { type: 'string' },
    kernels: { type: 'string' },
    out: { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const path = onePositional('prune', positionals, 'MODEL.onnx path');
  if ((values.ratio === undefined) === (values['macs-target'] === undefined))
    throw new UserError('prune: give exactly one of --ratio and --macs-target; see `whittle prune --help`.');
  if (!values.out) throw new UserError('prune: --out is required; see `whittle prune --help`.');
  const ratio = fraction('ratio', values.ratio);
  const macsTarget = fraction('macs-target', values['macs-target']);
  const criterion = (values.criterion ?? (values.calib ? 'reconstruction' : 'fpgm')) as CriterionName;
  if (!CRITERIA.includes(criterion))
    throw new UserError(`prune: --criterion must be one of ${CRITERIA.join(', ')}, not "${criterion}".`);
  const recoverList = values.recover
    ? values.recover
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  for (const s of recoverList)
    if (!STEPS.includes(s))
      throw new UserError(`prune: unknown recovery step "${s}" (use ${STEPS.join(', ')}).`);
  if ((recoverList.length || criterion === 'activation' || criterion === 'reconstruction') && !values.calib)
    throw new UserError('prune: recovery and the activation and reconstruction criteria need --calib DATA.');
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'native')
    throw new UserError(`prune: --backend must be wasm or native, not "${backend}".`);

  const input = await readModelFile(path);
  const placement = WEIGHTS_OPTION.parse('prune', values.weights, input);
  checkOutputs('prune', modelOutputs(values.out, placement), [path, ...input.dataFiles, values.calib]);
  const { bytes } = input;
  const kernelChoice = (values.kernels ?? 'auto') as KernelChoice;
  if (!KERNEL_CHOICES.includes(kernelChoice))
    throw new UserError(
      `prune: --kernels must be one of ${KERNEL_CHOICES.join(', ')}, not "${kernelChoice}".`,
    );
  const graph = importModel(input.model);
  const selection = await pickKernels(kernelChoice, `prune: --kernels ${kernelChoice} cannot run here`);
  const kernels = selection.backend;
  try {
    const runtime = values.calib ? await createOrtRuntime({ backend: backend as Backend }) : undefined;
    let calibration;
    if (values.calib && runtime) {
      const preprocess = values.preprocess ? await readPreprocessArg(values.preprocess) : undefined;
      const dataset = await openDatasetPath(values.calib);
      const input = (await runtime.createSession(bytes)).inputs[0];
      calibration = await calibrationFromDataset(dataset, {
        input,
        preprocess,
        limit: positiveInt('calib-limit', values['calib-limit']) ?? 1000,
      });
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
        maxGroupRatio: fraction('max-group-ratio', values['max-group-ratio']),
        roundTo: positiveInt('round-to', values['round-to']),
        includeFirst: values['include-first'],
        includeClassifier: values['include-classifier'],
      },
      kernels,
      runtime,
      calibration,
      recover,
      steps: positiveInt('steps', values.steps),
    });
    const result = values['mask-only'] ? masked : cloneGraph(masked);
    if (!values['mask-only']) removeChannels(result, plan);
    const outBytes = encodeModel(exportModel(result));
    await checkPrunedModel(
      runtime ?? (await createOrtRuntime({ backend: backend as Backend })),
      outBytes,
      values['mask-only'] ? undefined : encodeModel(exportModel(masked)),
    );
    const written = await writeModelFile('prune', values.out, outBytes, placement);
    const before = costModel(graph);
    const after = costModel(result);
    const report = {
      model: path,
      out: values.out,
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
  } catch (e) {
    if (e instanceof DatasetError || e instanceof PreprocessError) throw new UserError(`prune: ${e.message}`);
    throw e;
  } finally {
    kernels.dispose();
  }
}

interface Costs {
  parameters: number;
  macs: number;
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
    `MACs        ${r.before.macs.toLocaleString('en-US')} → ${r.after.macs.toLocaleString('en-US')} (${pct(r.after.macs, r.before.macs)})`,
    `Bytes       ${r.before.bytes.toLocaleString('en-US')} → ${r.after.bytes.toLocaleString('en-US')}`,
    `Recovery    ${r.recover.length ? r.recover.join(', ') : 'none'}`,
    kernels,
    `Wrote ${r.files.join(' and ')}${r.maskOnly ? ' (masked: same shapes, pruned channels zeroed)' : ''}`,
  );
  return lines.join('\n');
}

function fraction(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v >= 0 && v < 1)) throw new UserError(`prune: --${flag} must be a number in [0, 1), not "${text}".`);
  return v;
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`prune: --${flag} must be a positive integer, not "${text}".`);
  return n;
}

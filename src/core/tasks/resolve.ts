import type { Dataset, ValueMeta } from '../eval';
import { TaskError } from './errors';
import type { DetectionFormat, ResolvedTask, TaskKind } from './types';

/** The recipe's task section (see `pipeline/recipe.ts`): `auto` lets the outputs and the data decide. */
export interface TaskChoice {
  readonly kind: TaskKind | 'auto';
  readonly ignoreIndex: number;
  readonly detection: {
    readonly format: DetectionFormat | 'auto';
    readonly scoreThreshold: number;
    readonly nmsIou: number;
    readonly maxDetections: number;
    readonly variances: readonly [number, number];
  };
}

export const DEFAULT_TASK: TaskChoice = {
  kind: 'auto',
  ignoreIndex: 255,
  detection: {
    format: 'auto',
    scoreThreshold: 0.001,
    nmsIou: 0.5,
    maxDetections: 100,
    variances: [0.1, 0.2],
  },
};

/** A task and one sentence saying how it was decided, for the studio and the CLI to show. */
export interface TaskDecision {
  readonly task: ResolvedTask;
  readonly reason: string;
}

const fixed = (d: number | string | undefined) => (typeof d === 'number' ? d : undefined);

/**
 * Decides the task from the model's outputs and the dataset, unless `choice.kind` names it. The data
 * decides first (masks → segmentation, boxes → detection, class labels → classification); without
 * annotations the output shapes do ([N, C, H, W] → segmentation, [N, 4+C, A] or boxes + scores →
 * detection, [N, C] → classification). Priors make two-output heads SSD-style.
 * @throws TaskError when the named task cannot read these outputs.
 */
export function resolveTask(
  choice: TaskChoice,
  outputs: readonly ValueMeta[],
  dataset?: Dataset,
  priors?: Float32Array,
): TaskDecision {
  const guess = choice.kind === 'auto' ? guessKind(outputs, dataset, priors) : undefined;
  const kind = guess?.kind ?? (choice.kind as TaskKind);
  const reason = guess?.reason ?? `the recipe names ${kind}`;
  const first = outputs[0]?.name;
  switch (kind) {
    case 'classification':
      if (first === undefined) throw new TaskError('The model has no outputs to classify with.');
      return { task: { kind, output: first }, reason };
    case 'segmentation': {
      const seg = outputs.find((o) => o.shape.length === 4) ?? outputs[0];
      if (seg === undefined) throw new TaskError('The model has no outputs to segment with.');
      return { task: { kind, output: seg.name, ignoreIndex: choice.ignoreIndex }, reason };
    }
    case 'detection': {
      const format =
        choice.detection.format === 'auto' ? detectionFormat(outputs, priors) : choice.detection.format;
      if (format === undefined)
        throw new TaskError(
          `Cannot tell how to read detections from outputs ${describe(outputs)}; name the format (yolo, boxes-scores or ssd).`,
        );
      if (format === 'ssd' && !priors)
        throw new TaskError('SSD-style outputs need priors: give a .npy of shape [A, 4] (cx, cy, w, h).');
      const names = format === 'yolo' ? [yoloOutput(outputs).name] : boxesAndScores(outputs);
      const classCount = dataset?.classNames?.length;
      return {
        task: {
          kind,
          detection: {
            format,
            outputs: names,
            scoreThreshold: choice.detection.scoreThreshold,
            nmsIou: choice.detection.nmsIou,
            maxDetections: choice.detection.maxDetections,
            variances: choice.detection.variances,
            ...(priors ? { priors } : {}),
            ...(classCount ? { classCount } : {}),
          },
        },
        reason: format === 'yolo' || guess ? `${reason}; ${format} outputs` : reason,
      };
    }
    case 'outputs':
      return { task: { kind }, reason };
  }
}

function guessKind(
  outputs: readonly ValueMeta[],
  dataset: Dataset | undefined,
  priors: Float32Array | undefined,
): { kind: TaskKind; reason: string } {
  if (dataset?.targets?.kind === 'masks') return { kind: 'segmentation', reason: 'the data has masks' };
  if (dataset?.targets?.kind === 'boxes') return { kind: 'detection', reason: 'the data has boxes' };
  const shapes = `outputs ${describe(outputs)}`;
  if (detectionFormat(outputs, priors)) return { kind: 'detection', reason: `${shapes} look like detection` };
  const [o] = outputs;
  if (outputs.length === 1 && o.shape.length === 4 && (fixed(o.shape[2]) ?? 2) > 1)
    return { kind: 'segmentation', reason: `${shapes} look like per-pixel class scores` };
  if (dataset?.labels) return { kind: 'classification', reason: 'the data has class labels' };
  if (outputs.length === 1 && o.shape.length === 2)
    return { kind: 'classification', reason: `${shapes} look like class scores` };
  return { kind: 'outputs', reason: `${shapes} match no task; every output is compared with the original` };
}

/** `yolo` for one rank-3 output with a 4+C axis, two-output formats for a [N,A,4] + [N,A,C] pair. */
function detectionFormat(outputs: readonly ValueMeta[], priors?: Float32Array): DetectionFormat | undefined {
  const rank3 = outputs.filter((o) => o.shape.length === 3);
  if (outputs.length === 1 && rank3.length === 1) {
    const [, a, b] = rank3[0].shape.map(fixed);
    if ((a !== undefined && a > 4 && a < 1000) || (b !== undefined && b > 4 && b < 1000)) return 'yolo';
  }
  if (rank3.length === 2 && rank3.some((o) => fixed(o.shape[2]) === 4))
    return priors ? 'ssd' : 'boxes-scores';
  return undefined;
}

function yoloOutput(outputs: readonly ValueMeta[]): ValueMeta {
  const o = outputs.find((v) => v.shape.length === 3) ?? outputs[0];
  if (o === undefined) throw new TaskError('The model has no outputs to read detections from.');
  return o;
}

/** The boxes output (last axis 4) first, then the scores. */
function boxesAndScores(outputs: readonly ValueMeta[]): string[] {
  const rank3 = outputs.filter((o) => o.shape.length === 3);
  const boxes = rank3.find((o) => fixed(o.shape[2]) === 4);
  const scores = rank3.find((o) => o !== boxes);
  if (!boxes || !scores)
    throw new TaskError(
      `Box and score outputs [N, A, 4] and [N, A, C] were expected; the model has ${describe(outputs)}.`,
    );
  return [boxes.name, scores.name];
}

function describe(outputs: readonly ValueMeta[]): string {
  return outputs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join(', ');
}

/**
 * How much of a detector's mAP@.5 drop is the test split's luck: a paired bootstrap over the held-out
 * images (both scored on the same resampled images), giving the final stage's drop against the
 * original with its standard error. A drop within ~2 standard errors of zero is not a measured loss.
 * Each draw re-runs the whole COCO accumulation, so a few dozen draws already take minutes.
 */
import {
  evaluateModel,
  modelOutputs,
  type Dataset,
  type DatasetBatch,
  type InferenceRuntime,
  type ResolvedPreprocess,
  type TensorData,
} from '../src/core/eval';
import { importModel } from '../src/core/graph';
import { decodeModel } from '../src/core/onnx';
import { preprocessOf, type PipelineResult } from '../src/core/pipeline';
import { seededRandom } from '../src/core/prune';
import { CocoMapAccumulator, DetectionScorer, resolveTask, type Detection } from '../src/core/tasks';

export interface StageDrop {
  label: string;
  /** Drop on the whole split, points. */
  drop: number;
  /** Standard error of the drop over the bootstrap draws, points. */
  se: number;
}

export async function detectionDropNoise(
  runtime: InferenceRuntime,
  result: PipelineResult,
  evaluation: Dataset,
  draws: number,
): Promise<StageDrop[]> {
  if (evaluation.targets?.kind !== 'boxes') throw new Error(`${evaluation.name} has no boxes`);
  const gts = evaluation.targets.images;
  const { task } = resolveTask(
    result.recipe.task,
    modelOutputs(importModel(decodeModel(result.stages[0].bytes))),
    evaluation,
  );
  if (task.kind !== 'detection') throw new Error(`not a detection task: ${task.kind}`);
  const classes = evaluation.classNames?.length ?? 1;
  const stages = [
    result.stages[0],
    result.stages.find((s) => s.name === result.final) ?? result.stages.at(-1)!,
  ];
  const perStage: Detection[][][] = [];
  for (const stage of stages) {
    const inner = new DetectionScorer(task.detection, evaluation);
    const images: Detection[][] = [];
    const scorer = {
      outputs: inner.outputs,
      add(outputs: Readonly<Record<string, TensorData>>, batch: DatasetBatch, pre: ResolvedPreprocess) {
        inner.add(outputs, batch, pre);
        images.push(...inner.lastDetections);
      },
    };
    const session = await runtime.createSession(stage.bytes);
    await evaluateModel(session, evaluation, {
      preprocess: preprocessOf(result.recipe),
      batchSize: result.recipe.data.batchSize,
      limit: result.recipe.data.evalLimit ?? 1000,
      scorer,
    });
    await session.release();
    perStage.push(images);
  }
  const n = perStage[0].length;
  const map50 = (dets: Detection[][], pick: readonly number[]) => {
    const acc = new CocoMapAccumulator(classes, task.detection.maxDetections);
    for (const i of pick) acc.add(gts[i].boxes, dets[i]);
    return acc.result().map50;
  };
  const all = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(1);
  const drops: number[][] = stages.map(() => []);
  for (let d = 0; d < draws; d++) {
    const pick = Array.from({ length: n }, () => Math.floor(random() * n));
    const base = map50(perStage[0], pick);
    perStage.forEach((dets, s) => drops[s].push(100 * (base - map50(dets, pick))));
  }
  const base = map50(perStage[0], all);
  return stages.map((stage, s) => {
    const m = drops[s].reduce((a, b) => a + b, 0) / draws;
    const variance = drops[s].reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, draws - 1);
    return { label: stage.label, drop: 100 * (base - map50(perStage[s], all)), se: Math.sqrt(variance) };
  });
}

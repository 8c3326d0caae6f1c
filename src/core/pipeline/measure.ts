/**
 * Measures every stage the same way: cost from its float graph, accuracy (labelled evaluation set)
 * and fidelity to the original in one pass, and latency on each backend with all stages interleaved
 * in one run, so machine drift falls on every stage alike.
 */
import {
  compareLatency,
  sampleCoverage,
  type LatencyStats,
  type RuntimeSession,
  type StageResult,
  type ValueMeta,
} from '../eval';
import { costModel, type Graph, type InputShapes } from '../graph';
import type { ProgressTracker } from '../progress';
import { evaluateTask, type ResolvedTask } from '../tasks';
import { fidelitySet } from './fidelity-set';
import { preprocessOf } from './recipe-map';
import type { PipelineInputs, PipelinePhase, PipelineStage, StageName } from './types';

export interface StageDraft {
  name: StageName;
  label: string;
  bytes: Uint8Array;
  /** The float graph this stage's cost is read from (an INT8 stage keeps its source's parameters and MACs). */
  graph: Graph;
  quantized?: boolean;
}

export async function measureStages(
  drafts: readonly StageDraft[],
  inputs: PipelineInputs,
  input: ValueMeta,
  task: ResolvedTask,
  progress: ProgressTracker<PipelinePhase>,
  timings: Record<string, number>,
  inputShapes: InputShapes,
): Promise<{ stages: PipelineStage[]; assumptions: string; measuredOn: string }> {
  const { recipe, runtime, signal } = inputs;
  const { dataset, limit, note: measuredOn } = fidelitySet(inputs);
  const started = performance.now();
  // Each stage reads the same samples: the phase's units are samples times stages.
  const perStage = Math.min(limit ?? Infinity, dataset.size);
  progress.start('evaluate', drafts.length * perStage, 'samples', `Evaluating ${drafts[0].label}`);
  const reference = await runtime.createSession(drafts[0].bytes);
  const measured: Omit<StageResult, 'latency'>[] = [];
  // The original's per-sample top-1, to pair every later stage with it on the same samples.
  let referenceHits: Uint8Array | undefined;
  let assumptions = '';
  try {
    for (const [k, d] of drafts.entries()) {
      progress.set('evaluate', k * perStage, `Evaluating ${d.label}`);
      const t0 = performance.now();
      const session: RuntimeSession = k === 0 ? reference : await runtime.createSession(d.bytes);
      try {
        const r = await evaluateTask(session, dataset, task, {
          preprocess: preprocessOf(recipe),
          batchSize: recipe.data.batchSize,
          limit,
          inputName: input.name,
          signal,
          reference: k === 0 ? undefined : reference,
          onProgress: (done, total) =>
            progress.set(
              'evaluate',
              (k + done / Math.max(1, total)) * perStage,
              `Evaluating ${d.label}: ${done} of ${total} samples`,
            ),
        });
        assumptions = r.assumptions;
        const cost = costModel(d.graph, undefined, { inputShapes });
        const labelled = inputs.evaluation?.labels && r.accuracy;
        if (k === 0 && labelled) referenceHits = r.top1Hits;
        measured.push({
          stage: d.label,
          modelBytes: d.bytes.byteLength,
          parameters: cost.parameters,
          ...(cost.macs !== null ? { macs: cost.macs } : {}),
          ...(inputs.evaluation?.labels && r.accuracy ? { accuracy: r.accuracy } : {}),
          ...(inputs.evaluation && r.score ? { score: r.score } : {}),
          ...(r.fidelity ? { fidelity: r.fidelity } : {}),
          ...(inputs.evaluation
            ? {
                sampling: sampleCoverage(
                  r.samples,
                  dataset.size,
                  labelled ? r.top1Hits : undefined,
                  referenceHits,
                ),
              }
            : {}),
          timeMs: performance.now() - t0,
        });
      } finally {
        if (k !== 0) await session.release();
      }
    }
  } finally {
    await reference.release();
  }
  progress.finish('evaluate');
  timings.evaluate = performance.now() - started;

  const t1 = performance.now();
  const latency: LatencyStats[][] = drafts.map(() => []);
  const backends = inputs.latencyRuntimes?.length ? inputs.latencyRuntimes : [runtime];
  const runs = recipe.evaluate.runs;
  progress.start('benchmark', backends.length * runs, 'runs', `Timing every stage on ${backends[0].backend}`);
  for (const [b, rt] of backends.entries()) {
    progress.set('benchmark', b * runs, `Timing every stage on ${rt.backend}`);
    const cmp = await compareLatency(
      rt,
      drafts.map((d) => ({ label: d.label, bytes: d.bytes })),
      {
        warmup: recipe.evaluate.warmup,
        runs: recipe.evaluate.runs,
        batch: recipe.evaluate.batch,
        signal,
        onProgress: (done, total) =>
          progress.set(
            'benchmark',
            (b + done / Math.max(1, total)) * runs,
            `Timing every stage on ${rt.backend}: run ${done} of ${total}`,
          ),
      },
    );
    cmp.models.forEach((m, i) => latency[i].push(m));
  }
  progress.finish('benchmark');
  timings.benchmark = performance.now() - t1;

  const stages = drafts.map((d, i) => ({
    name: d.name,
    label: d.label,
    bytes: d.bytes,
    result: { ...measured[i], latency: latency[i] },
  }));
  return { stages, assumptions, measuredOn };
}

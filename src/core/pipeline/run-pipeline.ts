/**
 * The stage runner: model + recipe + datasets → analyse → prune (mask) → recover → remove channels →
 * fine-tune → calibrate → quantize, then every stage evaluated and timed side by side. Pure orchestration over
 * core modules; the runtime and kernels are injected, so the same code runs in Node and in a worker.
 */
import { exportModel, importModel, type Graph } from '../graph';
import { decodeModel, encodeModel } from '../onnx';
import {
  calibrationFromDataset,
  checkPrunedModel,
  cloneGraph,
  pruneModel,
  removeChannels,
  type CalibrationBatches,
  type PrunePlan,
} from '../prune';
import {
  checkFeed,
  MemoryMeter,
  modelInput,
  modelOutputs,
  resolvePreprocess,
  type InferenceRuntime,
  type ValueMeta,
} from '../eval';
import { evaluateTask, resolveTask, type ResolvedTask } from '../tasks';
import {
  datasetFeeds,
  fallBackUntilWithinBudget,
  quantizeModel,
  rankDamage,
  type FusionReport,
} from '../quant';
import { progressTracker } from '../progress';
import { finetuneEpochs, runFinetune } from './finetune-stage';
import {
  choosePrecisionFor,
  latencyGoalFor,
  measuredWidths,
  profileContext,
  quantizeFor,
} from './profile-stage';
import {
  describeWholeModel,
  int8Holds,
  ProfileCache,
  type GroupWidth,
  type PrecisionChoice,
  type WholeModelTiming,
} from '../profile';
import { measureStages, type StageDraft } from './measure';
import { toLatencyTarget } from './latency-retry';
import { pruneOptionsOf, prunesModel, quantOptionsOf, preprocessOf, stageLabel } from './recipe-map';
import type { PipelineInputs, PipelinePhase, PipelineResult, PipelineStage, StageName } from './types';

export class PipelineCancelled extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'PipelineCancelled';
  }
}

/**
 * Runs every enabled stage of `inputs.recipe` and measures each; see {@link PipelineInputs}.
 * @throws PipelineCancelled once `inputs.signal` aborts, whichever step was running.
 */
export async function runPipeline(inputs: PipelineInputs): Promise<PipelineResult> {
  try {
    return await runToLatencyTarget(inputs);
  } catch (e) {
    if (inputs.signal?.aborted) throw new PipelineCancelled();
    throw e;
  }
}

/** The run, re-planned after a latency-target miss (see {@link toLatencyTarget}). */
async function runToLatencyTarget(inputs: PipelineInputs): Promise<PipelineResult> {
  const target = inputs.recipe.prune.latencyTarget;
  // One profile cache for every attempt: the original's node timings are taken once.
  const shared = { ...inputs, profileCache: inputs.profileCache ?? new ProfileCache() };
  if (target === undefined) return run(shared);
  return toLatencyTarget(target, (planned, attempt) => run(shared, planned, attempt));
}

async function run(inputs: PipelineInputs, plannedFraction?: number, attempt = 1): Promise<PipelineResult> {
  const { recipe, runtime, kernels, signal } = inputs;
  const timings: Record<string, number> = {};
  const meter = new MemoryMeter();
  // Every phase reports units done of a known total; the tracker throttles and keeps each monotone.
  const progress = progressTracker<PipelinePhase>((p) => inputs.onProgress?.(p), {
    intervalMs: inputs.progressIntervalMs,
    check: () => {
      if (signal?.aborted) throw new PipelineCancelled();
    },
  });
  // CPU time per phase too, where the host can read it (all of its threads): on a shared machine
  // wall time measures the neighbours as much as the work.
  const cpuTimings: Record<string, number> = {};
  const cpuNow = () => inputs.cpuClock?.() ?? 0;
  const timed = async <T>(key: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const c0 = cpuNow();
    try {
      return await f();
    } finally {
      timings[key] = (timings[key] ?? 0) + performance.now() - t0;
      cpuTimings[key] = (cpuTimings[key] ?? 0) + cpuNow() - c0;
    }
  };

  progress.start('load', 1, 'models', 'Reading the model');
  const original = importModel(decodeModel(inputs.model));
  progress.finish('load');
  const input = inputMeta(original);
  const preprocess = preprocessOf(recipe);
  // The data must fit the model before onnxruntime sees either; costs are counted at the fed size.
  const fedData = inputs.calibration;
  const inputShapes = checkFeed(original, input, resolvePreprocess(preprocess, input, fedData), fedData);
  const decision = resolveTask(
    recipe.task,
    modelOutputs(original),
    inputs.evaluation ?? inputs.calibration,
    inputs.priors,
  );
  const drafts: StageDraft[] = [
    { name: 'original', label: stageLabel('original', recipe), bytes: inputs.model, graph: original },
  ];

  // Profiling times in the runtime the user targets: the first latency backend.
  const profiling = profileContext(inputs.latencyRuntimes?.[0] ?? runtime, inputs.profileCache, signal);
  let latencyTarget: PipelineResult['latencyTarget'];
  const widths: GroupWidth[] = [];
  let plan: PrunePlan | undefined;
  let pruned: Graph | undefined;
  let calibration: CalibrationBatches | undefined;
  if (prunesModel(recipe)) {
    const samples = Math.min(recipe.data.calibrationSamples, inputs.calibration.size);
    progress.start('analyse', samples, 'samples', 'Reading the calibration samples');
    calibration = await timed('read', () =>
      calibrationFromDataset(inputs.calibration, {
        input,
        preprocess,
        limit: recipe.data.calibrationSamples,
        batchSize: recipe.data.batchSize,
        onProgress: (n) => progress.set('analyse', n, `Reading the calibration samples: ${n} of ${samples}`),
      }),
    );
    progress.finish('analyse');
    let base = pruneOptionsOf(recipe, kernels, runtime, calibration, inputShapes);
    if (recipe.prune.latencyTarget !== undefined) {
      const g = await timed('profile', () =>
        latencyGoalFor(
          original,
          inputs.model,
          plannedFraction ?? recipe.prune.latencyTarget!,
          profiling,
          quantizeFor(recipe),
        ),
      );
      const { macsTarget: _m, ratio: _r, ...rules } = base.recipe;
      void _m;
      void _r;
      base = { ...base, recipe: { ...rules, latency: g.goal } };
      latencyTarget = {
        fraction: recipe.prune.latencyTarget,
        plannedFraction: plannedFraction ?? recipe.prune.latencyTarget,
        attempt,
        runtime: profiling.timer.key,
        originalMs: g.originalMs,
        goalMs: recipe.prune.latencyTarget * g.originalMs,
        predictedMs: 0,
      };
    }
    if (recipe.prune.allocate === 'latency' && base.recipe.macsTarget !== undefined) {
      // Only the measured milliseconds per node are used: the fraction does not matter here.
      const g = await timed('profile', () =>
        latencyGoalFor(original, inputs.model, 0.5, profiling, quantizeFor(recipe)),
      );
      base = { ...base, recipe: { ...base.recipe, msPerNode: g.goal.nodeMs } };
    }
    if (recipe.prune.widths === 'measured')
      base = { ...base, revisePlan: measuredWidths(profiling, widths, recipe.quantize.enabled) };
    const recovering = recipe.prune.recover.length > 0;
    const steps = recipe.prune.steps;
    // A progressive run re-ranks after each recovery: its one-shot "pruned" stage is a plan of its own.
    const planOnce = !recovering || steps === 1;
    // Prune: one unit per ranking and plan (the one-shot plan first when there is one of its own).
    const plans = steps + (planOnce ? 0 : 1);
    progress.start('prune', plans, 'plans', 'Ranking channels and planning');
    let unrecovered: { masked: Graph; plan: PrunePlan } | undefined;
    if (!planOnce) {
      const oneShot = await timed('prune', () => pruneModel(original, { ...base, recover: {}, steps: 1 }));
      unrecovered = { masked: oneShot.masked, plan: oneShot.plan };
      progress.set('prune', 1);
    }
    const before = planOnce ? 0 : 1;
    const t0 = performance.now();
    const c0 = cpuNow();
    let maskedAt = t0;
    let maskedCpu = c0;
    const result = await pruneModel(original, {
      ...base,
      steps,
      onRanking: (k, n) =>
        progress.start(
          'prune',
          plans,
          'plans',
          n > 1 ? `Ranking channels, step ${k} of ${n}` : 'Ranking channels',
        ),
      onMasked: (k, n, masked, p) => {
        progress.set('prune', before + k, `Planned: ${p.prunedChannels} of ${p.prunableChannels} channels`);
        if (!recovering) return;
        progress.start('recover', n, 'steps', `Recovering: ${recipe.prune.recover.join(', ')}`);
        if (!planOnce || k < n) return;
        // Recovery edits this graph next: keep the unrecovered model as it is now.
        unrecovered = { masked: cloneGraph(masked), plan: p };
        maskedAt = performance.now();
        maskedCpu = cpuNow();
      },
      onRecovery: (k, n, f, label) =>
        progress.set('recover', k - 1 + f, n > 1 ? `Step ${k} of ${n}: ${label}` : label),
    });
    progress.finish('prune');
    if (recovering) progress.finish('recover');
    const t1 = performance.now();
    const recoveredAlone = recovering && planOnce;
    timings.prune = (timings.prune ?? 0) + (recoveredAlone ? maskedAt - t0 : recovering ? 0 : t1 - t0);
    if (recovering) timings.recover = (timings.recover ?? 0) + t1 - (recoveredAlone ? maskedAt : t0);
    const cEnd = cpuNow();
    cpuTimings.prune =
      (cpuTimings.prune ?? 0) + (recoveredAlone ? maskedCpu - c0 : recovering ? 0 : cEnd - c0);
    if (recovering) cpuTimings.recover = (cpuTimings.recover ?? 0) + cEnd - (recoveredAlone ? maskedCpu : c0);
    const removals = unrecovered ? 2 : 1;
    progress.start('remove', removals, 'models', 'Removing pruned channels and checking the smaller model');
    if (unrecovered) {
      const { masked, plan: p } = unrecovered;
      const stage = await timed('remove', () => removed(runtime, masked, p));
      drafts.push({ name: 'pruned', label: stageLabel('pruned', recipe, p), ...stage });
      progress.set('remove', 1, "Removing the recovered model's channels and checking it");
    }
    const out = await timed('remove', () => removed(runtime, result.masked, result.plan));
    progress.finish('remove');
    drafts.push({
      name: unrecovered ? 'recovered' : 'pruned',
      label: stageLabel(unrecovered ? 'recovered' : 'pruned', recipe, result.plan),
      ...out,
    });
    plan = result.plan;
    pruned = out.graph;
    if (latencyTarget && plan.latency) latencyTarget = { ...latencyTarget, predictedMs: plan.latency.after };
  }

  let finetune: PipelineResult['finetune'];
  let qat: Awaited<ReturnType<typeof quantizeModel>> | undefined;
  if (pruned && plan && calibration && recipe.finetune.enabled) {
    progress.start('finetune', finetuneEpochs(recipe), 'epochs', 'Fine-tuning');
    const tuned = await timed('finetune', () =>
      runFinetune(
        inputs,
        original,
        { graph: pruned!, plan: plan! },
        input,
        calibration!,
        (epochs, message) => progress.set('finetune', epochs, message),
        decision.task.kind,
      ),
    );
    progress.finish('finetune');
    drafts.push({
      name: 'finetuned',
      label: stageLabel('finetuned', recipe, tuned.plan),
      bytes: tuned.bytes,
      graph: tuned.graph,
    });
    pruned = tuned.graph;
    finetune = tuned.summary;
    qat = tuned.qat?.quantized;
  }

  let fusion: FusionReport | undefined;
  const floatBiases: PipelineResult['floatBiases'] = [];
  const keptFloat: PipelineResult['keptFloat'] = [];
  const precision: NonNullable<PipelineResult['precision']> = [];
  if (recipe.quantize.enabled) {
    const targets: { name: StageName; graph: Graph; what: string }[] = [
      { name: 'int8', graph: original, what: 'the original' },
    ];
    if (pruned) targets.push({ name: 'pruned-int8', graph: pruned, what: 'the pruned model' });
    // Calibrate every target first, then fall back per target: each phase runs once, start to end.
    const samples = Math.min(recipe.data.calibrationSamples, inputs.calibration.size);
    progress.start('calibrate', targets.length * samples, 'samples', `Calibrating ${targets[0].what}`);
    const quantized: Awaited<ReturnType<typeof quantizeModel>>[] = [];
    const choices: (PrecisionChoice | undefined)[] = [];
    // The pruned model's INT8 from quantization-aware fine-tuning is kept as trained: its plan was
    // fixed before training, so neither a measured precision choice nor fallback re-plans it.
    const trained = (name: StageName) => (name === 'pruned-int8' ? qat : undefined);
    for (const [k, t] of targets.entries()) {
      const choice = trained(t.name)
        ? undefined
        : await timed('profile', () => choosePrecisionFor(t.graph, recipe, profiling));
      choices.push(choice);
      const options = quantOptionsOf(recipe);
      const c1 = cpuNow();
      const q =
        trained(t.name) ??
        (await timed('quantize', () =>
          quantizeModel(cloneGraph(t.graph), {
            ...options,
            exclude: [...new Set([...(options.exclude ?? []), ...(choice?.exclude ?? [])])],
            runtime,
            kernels,
            signal,
            meter,
            // Each of `passes` passes reads every sample: the target's share advances by passes.
            onProgress: (seen, pass, passes) =>
              progress.set(
                'calibrate',
                (k + (pass + Math.min(1, seen / samples)) / passes) * samples,
                `Calibrating ${t.what}: ${seen} of ${samples} samples${passes > 1 ? `, pass ${pass + 1} of ${passes}` : ''}`,
              ),
            // The samples pruning decoded (held for fine-tuning anyway), or read afresh: decoding 256
            // 224-px pictures twice more was a third of the pruned model's INT8 time.
            calibration:
              calibration ??
              (() =>
                datasetFeeds(inputs.calibration, input, {
                  preprocess,
                  limit: recipe.data.calibrationSamples,
                  batchSize: recipe.data.batchSize,
                  signal,
                })),
          }),
        ));
      if (t.name !== 'int8') cpuTimings.quantizePruned = (cpuTimings.quantizePruned ?? 0) + cpuNow() - c1;
      quantized.push(q);
      progress.set('calibrate', (k + 1) * samples);
    }
    progress.finish('calibrate');

    const fallback = recipe.quantize.maxDrop !== undefined && scoresTask(inputs, decision.task);
    progress.start(
      'quantize',
      targets.length,
      'models',
      fallback ? 'Returning the most damaging ops to float until the drop is within budget' : 'Quantized',
    );
    for (const [k, t] of targets.entries()) {
      const q = quantized[k];
      const c2 = cpuNow();
      let checked = q.bytes;
      let chosen = choices[k];
      if (chosen) {
        // The whole model decides last: a mix slower than its float model beyond the runs' noise is
        // not shipped (a tie keeps INT8).
        const whole = await timed('profile', () => profiling.wholeModel(q.bytes, q.floatBytes));
        chosen = { ...chosen, verified: whole };
        if (!int8Holds(whole)) {
          checked = q.floatBytes;
          chosen = allFloat(chosen, whole);
        }
        precision.push({ stage: t.name, ...chosen });
      }
      const bytes =
        fallback && !trained(t.name)
          ? await timed('quantize', () =>
              accuracyAware(inputs, q, input, decision.task, (tries, most) =>
                progress.set(
                  'quantize',
                  k + tries / most,
                  `Returning ops of ${t.what} to float: model ${tries} of at most ${most} evaluated`,
                ),
              ),
            )
          : checked;
      if (t.name !== 'int8') cpuTimings.quantizePruned = (cpuTimings.quantizePruned ?? 0) + cpuNow() - c2;
      progress.set('quantize', k + 1);
      fusion = q.fusion;
      floatBiases.push(...q.floatBiases.map((b) => ({ ...b, stage: t.name })));
      for (const [node, reason] of Object.entries(q.plan.kept))
        keptFloat.push({ stage: t.name, node, reason });
      drafts.push({
        name: t.name,
        label: stageLabel(t.name, recipe, plan) + precisionNote(chosen),
        bytes,
        graph: t.graph,
        quantized: true,
      });
    }
    progress.finish('quantize');
  }

  const { stages, assumptions, measuredOn } = await measureStages(
    drafts,
    inputs,
    input,
    decision.task,
    progress,
    timings,
    inputShapes,
  );
  if (latencyTarget) latencyTarget = verified(latencyTarget, stages);
  timings.transform =
    (timings.profile ?? 0) +
    (timings.read ?? 0) +
    (timings.prune ?? 0) +
    (timings.recover ?? 0) +
    (timings.remove ?? 0) +
    (timings.finetune ?? 0) +
    (timings.quantize ?? 0);
  if (inputs.cpuClock) {
    const making = ['read', 'prune', 'recover', 'remove', 'finetune', 'quantizePruned'].reduce(
      (a, k) => a + (cpuTimings[k] ?? 0),
      0,
    );
    // The pruned model's own making (the original's INT8 is a stage of its own).
    cpuTimings.making = making;
    cpuTimings.transform = ['read', 'prune', 'recover', 'remove', 'finetune', 'quantize'].reduce(
      (a, k) => a + (cpuTimings[k] ?? 0),
      0,
    );
  }
  return {
    recipe,
    task: { kind: decision.task.kind, reason: decision.reason },
    stages,
    final: stages[stages.length - 1].name,
    plan,
    fusion,
    floatBiases,
    keptFloat,
    ...(precision.length ? { precision } : {}),
    ...(widths.length ? { widths } : {}),
    ...(latencyTarget ? { latencyTarget } : {}),
    finetune,
    assumptions,
    ...(measuredOn ? { measuredOn } : {}),
    peakTrackedBytes: meter.peak,
    timings,
    ...(inputs.cpuClock ? { cpuTimings } : {}),
  };
}

/**
 * The smaller model: the masked graph with its pruned channels physically removed, run in onnxruntime
 * next to the masked model before it becomes a stage.
 */
/** Removes a plan's channels from a copy of the masked model; onnxruntime runs it beside the masked one first. */
async function removed(
  runtime: InferenceRuntime,
  masked: Graph,
  plan: PrunePlan,
): Promise<{ graph: Graph; bytes: Uint8Array }> {
  const graph = cloneGraph(masked);
  removeChannels(graph, plan);
  const bytes = encodeModel(exportModel(graph));
  await checkPrunedModel(runtime, bytes, encodeModel(exportModel(masked)));
  return { graph, bytes };
}

/** " (INT8 on 12 of 20 nodes)" when precision was chosen by measurement. */
function precisionNote(choice: PrecisionChoice | undefined): string {
  if (!choice) return '';
  const n = choice.nodes.filter((x) => x.precision === 'int8').length;
  return ` (INT8 on ${n} of ${choice.nodes.length} nodes)`;
}

/** Every node float: the INT8 mix, timed whole, lost to the float model beyond the noise of the runs. */
function allFloat(choice: PrecisionChoice, whole: WholeModelTiming): PrecisionChoice {
  const reason = `float: the whole model with the chosen INT8 nodes ran slower than all float, beyond the noise: ${describeWholeModel(whole)}`;
  return {
    ...choice,
    nodes: choice.nodes.map((n) => (n.precision === 'int8' ? { ...n, precision: 'float', reason } : n)),
    exclude: choice.nodes.map((n) => n.node),
  };
}

/**
 * The latency target checked against the final stage as timed (first backend, interleaved with the
 * original; 10th percentiles, which a descheduled run on a busy machine does not move): measured
 * fraction and whether it lands within 10 % of the target.
 */
function verified(
  t: NonNullable<PipelineResult['latencyTarget']>,
  stages: readonly PipelineStage[],
): NonNullable<PipelineResult['latencyTarget']> {
  const first = stages[0].result.latency[0];
  const last = stages[stages.length - 1].result.latency[0];
  if (!first || !last) return t;
  const measuredFraction = last.p10Ms / first.p10Ms;
  return {
    ...t,
    measuredMs: last.p10Ms,
    measuredFraction,
    withinTolerance: Math.abs(measuredFraction / t.fraction - 1) <= 0.1,
  };
}

function inputMeta(graph: Graph): ValueMeta {
  const input = modelInput(graph);
  if (!input) throw new Error('The model has no graph input to feed.');
  return input;
}

/** True when the evaluation data can score the task (labels, masks or boxes). */
function scoresTask(inputs: PipelineInputs, task: ResolvedTask): boolean {
  const e = inputs.evaluation;
  if (!e) return false;
  if (task.kind === 'classification') return e.labels !== undefined;
  if (task.kind === 'segmentation') return e.targets?.kind === 'masks';
  if (task.kind === 'detection') return e.targets?.kind === 'boxes';
  return false;
}

/**
 * Accuracy-aware INT8: rank quantized ops by damage, return the worst to float until the task's metric
 * (top-1, mIoU, mAP@.5) is within budget.
 */
async function accuracyAware(
  inputs: PipelineInputs,
  q: Awaited<ReturnType<typeof quantizeModel>>,
  input: ValueMeta,
  task: ResolvedTask,
  /** Models evaluated so far, of at most `most` (the float model, then one per op returned). */
  onTry: (tries: number, most: number) => void,
): Promise<Uint8Array> {
  const { recipe, runtime, kernels } = inputs;
  const preprocess = preprocessOf(recipe);
  const feeds = () =>
    datasetFeeds(inputs.calibration, input, {
      preprocess,
      limit: Math.min(64, recipe.data.calibrationSamples),
      batchSize: recipe.data.batchSize,
    });
  const ranking = await rankDamage(q.float, q.quantized, q.plan, feeds(), runtime);
  const evaluation = inputs.evaluation!;
  const most = ranking.length + 2;
  let tries = 0;
  const evaluate = async (bytes: Uint8Array) => {
    const metric = await metricOf(runtime, bytes, evaluation, recipe, task);
    onTry(++tries, most);
    return metric;
  };
  const maxDrop = (recipe.quantize.maxDrop ?? 0) / 100;
  const result = await fallBackUntilWithinBudget(
    q.float,
    quantOptionsOf(recipe),
    q.ranges,
    ranking,
    evaluate,
    { maxDrop, relative: recipe.quantize.maxDropRelative },
    kernels,
  );
  return result.bytes;
}

async function metricOf(
  runtime: InferenceRuntime,
  bytes: Uint8Array,
  dataset: NonNullable<PipelineInputs['evaluation']>,
  recipe: PipelineInputs['recipe'],
  task: ResolvedTask,
): Promise<number> {
  const session = await runtime.createSession(bytes);
  try {
    const r = await evaluateTask(session, dataset, task, {
      preprocess: preprocessOf(recipe),
      batchSize: recipe.data.batchSize,
      limit: recipe.data.evalLimit ?? 1000,
    });
    return r.score?.value ?? 0;
  } finally {
    await session.release();
  }
}

/**
 * Runs, results and studies: the pipeline in the worker with per-phase progress and cancel, the run
 * list kept for comparison, the ratio sweep and the sensitivity overlay, and crash recovery (a fresh
 * worker is handed the model and datasets again; the settings never left the page).
 */
import type { StoreApi } from 'zustand/vanilla';
import { RecipeError, prunesModel, type Recipe } from '../core/pipeline';
import { remainingMs, tickClock } from '../core/progress';
import { fromCoreRecipe, preprocessConflict, preprocessFor, toCoreRecipe } from './recipe-map';
import type { TrainingHooks } from './train-slice';
import type { Sources } from './sources';
import type {
  CoreClient,
  FinetuneCheckpoint,
  ReplyError,
  RunPhase,
  RunProgress,
  RunningState,
  StudioActions,
  StudioState,
  StudioStore,
} from './types';

type Failure = { ok: false; error: ReplyError };

type RunActions = Pick<
  StudioActions,
  | 'coreRecipe'
  | 'run'
  | 'resumeFromCheckpoint'
  | 'cancelRun'
  | 'selectRun'
  | 'toggleCompare'
  | 'removeRun'
  | 'runSweep'
  | 'computeSensitivity'
  | 'showSensitivity'
  | 'stageModel'
  | 'evaluateOpenModel'
  | 'dismissRunError'
  | 'dismissWorkerNotice'
>;

const message = (err: unknown) =>
  err instanceof RecipeError ? err.problems.join('; ') : err instanceof Error ? err.message : String(err);

/** The phases a recipe goes through, in order, for one progress bar each. */
export function phasesOf(recipe: Recipe): RunPhase[] {
  const pruning = prunesModel(recipe);
  return [
    ...(pruning ? (['analyse', 'prune'] as const) : []),
    ...(pruning && recipe.prune.recover.length ? (['recover'] as const) : []),
    ...(pruning ? (['remove'] as const) : []),
    ...(pruning && recipe.finetune.enabled ? (['finetune'] as const) : []),
    ...(recipe.quantize.enabled ? (['calibrate', 'quantize'] as const) : []),
    'evaluate',
    'benchmark',
  ];
}

/** "30 % L1 + INT8", "MACs −50 % FPGM", "INT8 only". */
export function describeRecipe(recipe: Recipe): string {
  const p = recipe.prune;
  const pruning = prunesModel(recipe);
  const cut = !pruning
    ? ''
    : p.latencyTarget !== undefined
      ? `latency ${Math.round(100 * p.latencyTarget)} % ${p.criterion.toUpperCase()}`
      : p.macsTarget !== undefined
        ? `MACs −${Math.round(100 * p.macsTarget)} % ${p.criterion.toUpperCase()}`
        : `${Math.round(100 * (p.ratio ?? 0))} % ${p.criterion.toUpperCase()}${p.global ? ' global' : ''}`;
  const recovered = pruning && p.recover.length ? ` + ${p.recover.join('/')}` : '';
  const tuned = pruning && recipe.finetune.enabled ? ` + fine-tune ${recipe.finetune.epochs} ep` : '';
  if (!recipe.quantize.enabled) return cut ? `${cut}${recovered}${tuned}` : 'measure only';
  return cut ? `${cut}${recovered}${tuned} + INT8` : 'INT8 only';
}

export function runSlice(
  store: StoreApi<StudioStore>,
  core: CoreClient,
  sources: Sources,
  training: TrainingHooks,
  /** Settles once a latency measurement under way has answered (jobs would distort it). */
  latencyMeasured: () => Promise<void> = async () => {},
): RunActions {
  const { setState: set, getState: get } = store;
  let nextRun = 1;

  const start = (kind: RunningState['kind'], phases: RunPhase[]) =>
    set({
      running: {
        kind,
        phases,
        progress: {},
        phase: phases[0],
        message: 'Starting',
        latest: null,
        clock: null,
        remainingMs: null,
        cancelling: false,
      },
      runError: null,
    });

  const onProgress = (p: RunProgress) =>
    set((s) => {
      if (!s.running) return {};
      const { phases } = s.running;
      const at = phases.indexOf(p.phase);
      const progress = { ...s.running.progress };
      // Reaching a phase means the ones before it are done.
      for (let i = 0; i < at; i++) progress[phases[i]] = 1;
      progress[p.phase] = Math.max(progress[p.phase] ?? 0, Math.min(1, p.fraction));
      const now = performance.now();
      const clock = tickClock(s.running.clock, p.phase, now);
      return {
        running: {
          ...s.running,
          progress,
          phase: p.phase,
          message: p.message,
          latest: p,
          clock,
          remainingMs: remainingMs(clock, p.fraction, now) ?? null,
        },
      };
    });

  /** The recipe to send, or null after saying why there is none. */
  const prepare = (needsData: 'calibration' | 'any'): Recipe | null => {
    const s = get();
    if (!s.model) return fail('Open a model first.');
    if (needsData === 'calibration' && !s.data.calibration.dataset)
      return fail(
        'Drop a calibration set (or use the sample data) first: pruning recovery and INT8 calibration read it.',
      );
    if (needsData === 'any' && !s.data.calibration.dataset && !s.data.evaluation.dataset)
      return fail('Drop an evaluation or calibration set first.');
    // A dataset that cannot feed the model is refused here, with the slot's sentence, not by onnxruntime.
    const misfit = (['calibration', 'evaluation'] as const).find(
      (role) => s.data[role].dataset && s.data[role].preprocessError,
    );
    if (misfit) return fail(s.data[misfit].preprocessError!);
    if (preprocessConflict(s.recipe) && s.data.evaluation.dataset)
      return fail(
        'The calibration and evaluation sets use different preprocessing; a recipe has one. Make them the same.',
      );
    try {
      return toCoreRecipe(s.recipe);
    } catch (err) {
      return fail(`The settings do not make a valid recipe: ${message(err)}.`);
    }
  };
  const fail = (text: string): null => {
    set({ runError: text });
    return null;
  };

  /**
   * The one flow of every worker job: refuse while another runs, build the recipe (or say why not),
   * show the phases, call the worker, and on an answer either store what `done` makes of it or show
   * its one-sentence failure; a thrown error (a crashed worker) is shown the same way.
   */
  // A replaced worker holds nothing until `reopen` hands it the model and data again: jobs wait for it.
  let reopening: Promise<void> = Promise.resolve();

  const runJob = async <R extends { ok: true }>(
    kind: RunningState['kind'],
    needsData: 'calibration' | 'any',
    phases: (recipe: Recipe) => RunPhase[],
    call: (recipe: Recipe) => Promise<R | Failure>,
    done: (reply: R, recipe: Recipe) => Partial<StudioState> | ((s: StudioState) => Partial<StudioState>),
    fixed?: { recipe: Recipe; resume: FinetuneCheckpoint },
  ) => {
    if (get().running) return;
    const built = prepare(needsData);
    if (!built) return;
    // Continuing a checkpoint runs the exact recipe it was made with.
    const recipe = fixed?.recipe ?? built;
    start(kind, phases(recipe));
    if (kind === 'run') training.begin(recipe, fixed?.resume);
    let outcome: 'done' | 'cancelled' | 'failed' = 'failed';
    try {
      await reopening;
      await latencyMeasured();
      const reply = await call(recipe);
      if (!reply.ok) {
        outcome = reply.error.code === 'cancelled' ? 'cancelled' : 'failed';
        return set({ running: null, runError: reply.error.message });
      }
      outcome = 'done';
      const patch = done(reply, recipe);
      set((s) => ({ ...(typeof patch === 'function' ? patch(s) : patch), running: null }));
    } catch (err) {
      set({ running: null, runError: message(err) });
    } finally {
      if (kind === 'run') await training.end(outcome);
    }
  };

  core.onRestart((reason) => {
    set((s) => ({
      running: null,
      workerNotice: `${reason} A fresh worker took over: the model and data were opened again and your settings are unchanged. Models of earlier runs were lost; their results stay.`,
      runs: s.runs.map((r) => ({ ...r, modelsLost: true })),
    }));
    reopening = reopen();
  });

  const reopen = async () => {
    try {
      const model = sources.model;
      if (model)
        await core.open(
          { fileName: model.fileName, model: await model.load(), externalData: model.externalData },
          () => {},
        );
      for (const role of ['calibration', 'evaluation', 'training'] as const) {
        const data = sources.data[role];
        if (data) await core.openDataset({ role, ...data, preprocess: preprocessFor(get().recipe, role) });
      }
      if (sources.priors) await core.setPriors(sources.priors);
    } catch (err) {
      set({ workerNotice: `The fresh worker could not reopen the model: ${message(err)}` });
    }
  };

  /** A pipeline run of the settings, or of a checkpoint's recipe continuing its fine-tuning. */
  const startRun = (fixed?: { recipe: Recipe; resume: FinetuneCheckpoint }) => {
    let id = 0;
    return runJob(
      'run',
      'calibration',
      phasesOf,
      (recipe) => {
        // Restored runs keep their ids; a new one comes after them.
        id = Math.max(nextRun, ...get().runs.map((r) => r.id + 1));
        nextRun = id + 1;
        return core.run({ runId: id, recipe, resume: fixed?.resume }, onProgress, training.onEvent);
      },
      ({ summary }, recipe) =>
        (s) => ({
          runs: [
            ...s.runs,
            {
              id,
              label: `Run ${id} · ${describeRecipe(recipe)}`,
              modelFile: summary.modelFile,
              finishedAt: new Date().toISOString(),
              summary,
            },
          ],
          activeRun: id,
          // The new run joins the comparison; at most four are drawn at once.
          compare: [...s.compare, id].slice(-4),
          stageResults: summary.stages.map((st) => st.result),
        }),
      fixed,
    );
  };

  return {
    coreRecipe: () => toCoreRecipe(get().recipe),

    run: () => startRun(),

    async resumeFromCheckpoint() {
      if (get().running) return;
      const saved = await training.saved();
      if (!saved) return void set({ runError: 'There is no fine-tuning checkpoint to continue.' });
      const model = get().model?.fileName;
      if (model !== saved.info.modelFile)
        return void set({
          runError: `The checkpoint was made on ${saved.info.modelFile}; open it (and the same data) to continue.`,
        });
      if (saved.info.training && get().data.training.dataset?.name !== saved.info.training)
        return void set({
          runError: `The checkpoint trained on ${saved.info.training}; drop the same training images to continue.`,
        });
      // The controls show the checkpoint's recipe, which is the one that runs.
      set((s) => ({ recipe: fromCoreRecipe(saved.recipe, s.recipe) }));
      await startRun({ recipe: saved.recipe, resume: saved.checkpoint });
    },

    cancelRun() {
      const running = get().running;
      if (!running || running.cancelling) return;
      set({ running: { ...running, cancelling: true, message: 'Cancelling…' } });
      void core.cancel();
    },

    selectRun(id) {
      const run = get().runs.find((r) => r.id === id);
      if (run) set({ activeRun: id, stageResults: run.summary.stages.map((s) => s.result) });
    },
    toggleCompare: (id) =>
      set((s) => ({
        compare: s.compare.includes(id) ? s.compare.filter((c) => c !== id) : [...s.compare, id],
      })),
    async removeRun(id) {
      set((s) => {
        const runs = s.runs.filter((r) => r.id !== id);
        const active = s.activeRun === id ? (runs.at(-1)?.id ?? null) : s.activeRun;
        return {
          runs,
          compare: s.compare.filter((c) => c !== id),
          activeRun: active,
          stageResults: runs.find((r) => r.id === active)?.summary.stages.map((st) => st.result) ?? [],
        };
      });
      await core.dropRun(id).catch(() => undefined);
    },

    runSweep(ratios = [0, 0.2, 0.4, 0.6]) {
      return runJob(
        'sweep',
        'calibration',
        () => ['prune', 'evaluate'],
        (recipe) =>
          core.sweep({ recipe, ratios }, (p) =>
            onProgress({
              ...p,
              phase: p.phase === 'evaluate' || p.phase === 'benchmark' ? 'evaluate' : 'prune',
            }),
          ),
        (reply) => ({
          sweep: { modelFile: get().model?.fileName ?? '', metric: reply.metric, points: reply.points },
        }),
      );
    },

    computeSensitivity() {
      const ratio = 0.5;
      return runJob(
        'sensitivity',
        'any',
        () => ['analyse', 'evaluate'],
        (recipe) =>
          core.sensitivity({ recipe, ratio, limit: Math.min(500, recipe.data.evalLimit ?? 500) }, onProgress),
        (reply) => ({
          sensitivity: {
            modelFile: get().model?.fileName ?? '',
            metric: reply.metric,
            baseline: reply.baseline,
            ratio,
            samples: reply.samples,
            drops: Object.fromEntries(reply.groups.map((g) => [g.group, g.drop])),
            max: Math.max(0, ...reply.groups.map((g) => g.drop)),
            shown: true,
          },
        }),
      );
    },
    showSensitivity: (shown) =>
      set((s) => (s.sensitivity ? { sensitivity: { ...s.sensitivity, shown } } : {})),

    stageModel: (runId, stage) => core.stageModel(runId, stage),
    evaluateOpenModel: (request) => core.evaluate({ threads: get().recipe.evaluate.threads, ...request }),
    dismissRunError: () => set({ runError: null }),
    dismissWorkerNotice: () => set({ workerNotice: null }),
  };
}

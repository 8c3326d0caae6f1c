/**
 * Live fine-tuning: the curves the worker's training events draw, Pause and Resume, and the one
 * checkpoint kept in the archive (IndexedDB) so a reload can continue where training stopped. The
 * run itself goes through the run slice; this slice only follows and steers its fine-tuning stage.
 */
import type { StoreApi } from 'zustand/vanilla';
import type {
  CheckpointInfo,
  CoreClient,
  FinetuneCheckpoint,
  Recipe,
  RunArchive,
  SavedCheckpoint,
  StudioActions,
  StudioStore,
  TrainingEvent,
  TrainingView,
} from './types';

type TrainActions = Pick<
  StudioActions,
  'updateFinetune' | 'pauseTraining' | 'resumeTraining' | 'discardCheckpoint'
>;

/** Loss points kept per curve; older ones are thinned (every other dropped) past this. */
const MAX_POINTS = 600;

/** What the run slice calls while a run with fine-tuning is in flight. */
export interface TrainingHooks {
  /** The saved checkpoint to continue from, or null when there is none. */
  saved(): Promise<SavedCheckpoint | null>;
  /** A run starts; `resume` when it continues a checkpoint (its epochs seed the curve). */
  begin(recipe: Recipe, resume?: FinetuneCheckpoint): void;
  /** Worker events of the run in flight (checkpoints are stored before this resolves). */
  onEvent(event: TrainingEvent): Promise<void>;
  /** The run finished or was cancelled: its checkpoint has no further use. */
  end(outcome: 'done' | 'cancelled' | 'failed'): Promise<void>;
}

const emptyView = (recipe: Recipe): TrainingView => ({
  loss: [],
  epochs: [],
  epoch: 1,
  totalEpochs: recipe.finetune.epochs,
  step: 0,
  stepsPerEpoch: 0,
  etaMs: 0,
  pausing: false,
  paused: false,
});

const thin = <T>(points: T[]): T[] =>
  points.length > MAX_POINTS ? points.filter((_, i) => i % 2 === 0) : points;

export function trainSlice(
  store: StoreApi<StudioStore>,
  core: CoreClient,
  archive: RunArchive | null,
): { actions: TrainActions; hooks: TrainingHooks } {
  const { setState: set, getState: get } = store;
  /** The latest checkpoint of this page (the archive's copy may lag or be absent). */
  let latest: SavedCheckpoint | null = null;
  let recipeOfRun: Recipe | null = null;

  const patchView = (patch: (v: TrainingView) => Partial<TrainingView>) =>
    set((s) =>
      s.running?.training
        ? { running: { ...s.running, training: { ...s.running.training, ...patch(s.running.training) } } }
        : {},
    );

  const keep = async (saved: SavedCheckpoint | null) => {
    latest = saved;
    set({ checkpoint: saved?.info ?? null });
    try {
      await archive?.saveCheckpoint(saved);
    } catch (err) {
      set({
        workerNotice: `The fine-tuning checkpoint could not be saved in this browser (${(err as Error).message}); training goes on, but a reload would start it again.`,
      });
    }
  };

  const hooks: TrainingHooks = {
    async saved() {
      if (latest) return latest;
      return (await archive?.load().catch(() => null))?.checkpoint ?? null;
    },
    begin(recipe, resume) {
      recipeOfRun = recipe;
      if (!recipe.finetune.enabled) return;
      const view = emptyView(recipe);
      if (resume)
        view.epochs = resume.train.history.map((h) => ({ epoch: h.epoch, loss: h.loss, heldOut: h.heldOut }));
      set((s) => (s.running ? { running: { ...s.running, training: view } } : {}));
    },
    async onEvent(event) {
      if (event.kind === 'step') {
        const p = event.progress;
        const at = p.epoch - 1 + p.step / p.stepsPerEpoch;
        return patchView((v) => ({
          // A new progressive step restarts its epochs: start its curve afresh.
          loss: thin([...(at < (v.loss.at(-1)?.at ?? 0) ? [] : v.loss), { at, loss: p.loss }]),
          epoch: p.epoch,
          totalEpochs: p.epochs,
          step: p.step,
          stepsPerEpoch: p.stepsPerEpoch,
          etaMs: p.etaMs,
        }));
      }
      if (event.kind === 'epoch') {
        const r = event.record;
        return patchView((v) => ({
          epochs: [
            ...v.epochs.filter((e) => e.epoch < r.epoch),
            { epoch: r.epoch, loss: r.loss, heldOut: r.heldOut },
          ],
        }));
      }
      if (event.kind === 'paused') {
        patchView(() => ({ paused: true, pausing: false }));
        return set((s) =>
          s.running
            ? {
                running: {
                  ...s.running,
                  message: `Paused at epoch ${event.epoch}, step ${event.step}; checkpoint saved`,
                },
              }
            : {},
        );
      }
      const c = event.checkpoint;
      const info: CheckpointInfo = {
        modelFile: get().model?.fileName ?? '',
        training: get().data.training.dataset?.name ?? null,
        epoch: c.train.epoch,
        step: c.train.step,
        epochs: c.train.epochs,
        stepsPerEpoch: c.train.stepsPerEpoch,
        progressiveStep: c.progressiveStep,
        progressiveSteps: c.progressiveSteps,
        savedAt: new Date().toISOString(),
      };
      await keep({ info, recipe: recipeOfRun!, checkpoint: c });
    },
    async end(outcome) {
      const trained = recipeOfRun?.finetune.enabled ?? false;
      recipeOfRun = null;
      // A failure (or a crash) keeps the checkpoint: it is what the user can continue from. A run
      // that fine-tuned to the end, or was cancelled, has no use for it (nor for an older one).
      if (trained && outcome !== 'failed' && (latest || get().checkpoint)) await keep(null);
    },
  };

  return {
    hooks,
    actions: {
      updateFinetune: (patch) =>
        set((s) => ({
          recipe: {
            ...s.recipe,
            base: { ...s.recipe.base, finetune: { ...s.recipe.base.finetune, ...patch } },
          },
        })),
      pauseTraining() {
        const view = get().running?.training;
        if (!view || view.paused || view.pausing) return;
        patchView(() => ({ pausing: true }));
        void core.pauseTraining();
      },
      resumeTraining() {
        const view = get().running?.training;
        if (!view?.paused) return;
        patchView(() => ({ paused: false, pausing: false }));
        set((s) => (s.running ? { running: { ...s.running, message: 'Fine-tuning' } } : {}));
        void core.resumeTraining();
      },
      async discardCheckpoint() {
        latest = null;
        set({ checkpoint: null });
        await archive?.saveCheckpoint(null).catch(() => undefined);
      },
    },
  };
}

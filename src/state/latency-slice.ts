/**
 * The open model's latency, for a latency target in milliseconds: measured in the worker the first
 * time the target is latency on a model, kept until another model opens. A run waits for a
 * measurement under way, so the two never time each other.
 */
import type { StoreApi } from 'zustand/vanilla';
import { latencyShareOf } from './latency-target';
import type { CoreClient, LatencyState, StudioActions, StudioStore } from './types';

type LatencyActions = Pick<StudioActions, 'setLatencyTargetMs' | 'measureLatency'>;

const idle: LatencyState = { measured: null, pending: false, error: null };
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function latencySlice(
  store: StoreApi<StudioStore>,
  core: CoreClient,
): { actions: LatencyActions; settled: () => Promise<void> } {
  const { setState: set, getState: get } = store;
  let inFlight: Promise<void> = Promise.resolve();

  const measure = (again = false): Promise<void> => {
    const s = get();
    const model = s.model;
    if (!model || s.running || s.latency.pending) return inFlight;
    set({ latency: { ...s.latency, pending: true, error: null } });
    inFlight = (async () => {
      try {
        const reply = await core.latency(s.recipe.evaluate.threads, again);
        if (get().model !== model) return;
        set({
          latency: reply.ok
            ? { measured: { ms: reply.ms, runtime: reply.runtime }, pending: false, error: null }
            : { measured: null, pending: false, error: reply.error.message },
        });
      } catch (err) {
        if (get().model === model) set({ latency: { measured: null, pending: false, error: message(err) } });
      }
    })();
    return inFlight;
  };

  store.subscribe((s, prev) => {
    if (s.model !== prev.model) set({ latency: idle });
    const now = get();
    const asked = now.recipe.prune.target === 'latency' && now.model !== null;
    const changed = s.model !== prev.model || s.recipe.prune.target !== prev.recipe.prune.target;
    if (asked && changed && !now.latency.measured && !now.latency.pending) void measure();
  });

  return {
    actions: {
      setLatencyTargetMs(ms) {
        const measured = get().latency.measured;
        if (!measured) return;
        const latencyKeep = latencyShareOf(ms, measured.ms);
        set((s) => ({ recipe: { ...s.recipe, prune: { ...s.recipe.prune, latencyKeep } } }));
      },
      measureLatency: (again) => measure(again),
    },
    settled: () => inFlight,
  };
}

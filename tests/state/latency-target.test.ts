/**
 * The latency target in the studio: milliseconds on the slider ↔ the recipe's share of the original,
 * the studio recipe ↔ the core recipe (latency target and precision per node), and the slice that
 * measures the open model in the worker before the slider can move.
 */
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { parseRecipe } from '../../src/core/pipeline';
import { defaultRecipe } from '../../src/state/defaults';
import { latencySlice } from '../../src/state/latency-slice';
import { latencyMsOf, latencyShareOf } from '../../src/state/latency-target';
import { fromCoreRecipe, toCoreRecipe } from '../../src/state/recipe-map';
import type { CoreClient, LoadedModel, StudioRecipe, StudioStore } from '../../src/state/types';

const studio = (patch: (s: StudioRecipe) => StudioRecipe = (s) => s) => patch(structuredClone(defaultRecipe));

describe('latency slider ↔ share of the original', () => {
  it('turns milliseconds into the share of the measured original, rounded to 0.01 %', () => {
    expect(latencyShareOf(0.6, 1.5)).toBe(0.4);
    expect(latencyShareOf(1, 3)).toBe(0.3333);
    expect(latencyMsOf(0.4, 1.5)).toBeCloseTo(0.6, 12);
  });

  it('holds the share inside what a recipe accepts (0 < share < 1) and the slider offers', () => {
    expect(latencyShareOf(0, 2)).toBe(0.05);
    expect(latencyShareOf(-1, 2)).toBe(0.05);
    expect(latencyShareOf(2, 2)).toBe(0.99);
    expect(latencyShareOf(50, 2)).toBe(0.99);
    expect(() => latencyShareOf(1, 0)).toThrow(/no measured original/);
  });
});

describe('studio recipe ↔ core recipe: latency target and precision', () => {
  it('a latency target becomes prune.latencyTarget alone (no ratio, no MAC target)', () => {
    const r = toCoreRecipe(
      studio((s) => ({
        ...s,
        prune: { ...s.prune, target: 'latency', latencyKeep: 0.45, ratio: 0.3, macsKeep: 0.2 },
      })),
    );
    expect(r.prune.latencyTarget).toBe(0.45);
    expect(r.prune.ratio).toBeUndefined();
    expect(r.prune.macsTarget).toBeUndefined();
  });

  it('ratio and MAC targets drop a latency target the base recipe carried', () => {
    const base = parseRecipe({ version: 1, prune: { latencyTarget: 0.5 } });
    const s = fromCoreRecipe(base, studio());
    expect(s.prune.target).toBe('latency');
    const byRatio = toCoreRecipe({ ...s, prune: { ...s.prune, target: 'ratio', ratio: 0.2 } });
    expect(byRatio.prune).toMatchObject({ ratio: 0.2 });
    expect(byRatio.prune.latencyTarget).toBeUndefined();
    const byMacs = toCoreRecipe({ ...s, prune: { ...s.prune, target: 'macs', macsKeep: 0.7 } });
    expect(byMacs.prune.macsTarget).toBe(0.3);
    expect(byMacs.prune.latencyTarget).toBeUndefined();
  });

  it('maps the precision control both ways, and round-trips a latency recipe exactly', () => {
    expect(toCoreRecipe(studio()).quantize.precision).toBe('size');
    const speed = toCoreRecipe(studio((s) => ({ ...s, quant: { ...s.quant, precision: 'speed' } })));
    expect(speed.quantize.precision).toBe('speed');
    const recipe = parseRecipe({
      version: 1,
      prune: { latencyTarget: 0.33, widths: 'measured', recover: ['lsq'] },
      quantize: { precision: 'auto' },
      data: { preprocess: 'imagenet' },
    });
    const s = fromCoreRecipe(recipe, studio());
    expect(s.prune).toMatchObject({ target: 'latency', latencyKeep: 0.33 });
    expect(s.quant.precision).toBe('auto');
    expect(toCoreRecipe(s)).toEqual(recipe);
  });
});

/** A store holding just what the latency slice reads, and a worker whose timer answers `ms`. */
function harness(answers: number[]) {
  const calls: { threads: number; again?: boolean }[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((ok) => (release = ok));
  const core = {
    async latency(threads: number, again?: boolean) {
      calls.push({ threads, again });
      await gate;
      return { ok: true as const, ms: answers[calls.length - 1], runtime: `wasm/${threads}` };
    },
  } as unknown as CoreClient;
  const store = createStore<StudioStore>()(
    () =>
      ({
        model: null,
        running: null,
        recipe: studio(),
        latency: { measured: null, pending: false, error: null },
      }) as unknown as StudioStore,
  );
  const slice = latencySlice(store, core);
  store.setState(slice.actions);
  return { store, calls, release, settled: slice.settled };
}
const model = (fileName: string) => ({ fileName }) as LoadedModel;

describe('latency slice', () => {
  it('measures the open model once the target is latency; the slider then writes the share', async () => {
    const h = harness([2]);
    h.store.setState({ model: model('a.onnx') });
    expect(h.calls).toEqual([]); // a ratio target needs no measurement
    // Before the figure is in, milliseconds mean nothing: the share is kept.
    h.store.getState().setLatencyTargetMs(1);
    expect(h.store.getState().recipe.prune.latencyKeep).toBe(0.5);
    h.store.setState((s) => ({ recipe: { ...s.recipe, prune: { ...s.recipe.prune, target: 'latency' } } }));
    expect(h.store.getState().latency.pending).toBe(true);
    h.release();
    await h.settled();
    expect(h.calls).toEqual([{ threads: defaultRecipe.evaluate.threads, again: false }]);
    expect(h.store.getState().latency).toEqual({
      measured: { ms: 2, runtime: `wasm/${defaultRecipe.evaluate.threads}` },
      pending: false,
      error: null,
    });
    h.store.getState().setLatencyTargetMs(0.5);
    expect(h.store.getState().recipe.prune.latencyKeep).toBe(0.25);
    expect(toCoreRecipe(h.store.getState().recipe).prune.latencyTarget).toBe(0.25);
  });

  it('forgets the figure when another model opens and measures that one', async () => {
    const h = harness([2, 8]);
    h.store.setState((s) => ({
      model: model('a.onnx'),
      recipe: { ...s.recipe, prune: { ...s.recipe.prune, target: 'latency' } },
    }));
    h.release();
    await h.settled();
    h.store.setState({ model: model('b.onnx') });
    await h.settled();
    expect(h.calls).toHaveLength(2);
    expect(h.store.getState().latency.measured?.ms).toBe(8);
    h.store.getState().setLatencyTargetMs(2);
    expect(h.store.getState().recipe.prune.latencyKeep).toBe(0.25);
    await h.store.getState().measureLatency(true);
    expect(h.calls[2].again).toBe(true);
  });

  it('does not time the model while a run is in progress', async () => {
    const h = harness([2]);
    h.store.setState((s) => ({
      model: model('a.onnx'),
      running: {} as StudioStore['running'],
      recipe: { ...s.recipe, prune: { ...s.recipe.prune, target: 'latency' } },
    }));
    await h.store.getState().measureLatency();
    expect(h.calls).toEqual([]);
    expect(h.store.getState().latency.pending).toBe(false);
  });
});

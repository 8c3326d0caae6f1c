import { describe, expect, it } from 'vitest';
import { RecipeError, parseRecipe, recipeJsonSchema } from '../../src/core/pipeline';
import { defaultRecipe } from '../../src/state/defaults';
import { fromCoreRecipe, preprocessConflict, toCoreRecipe } from '../../src/state/recipe-map';
import type { StudioRecipe } from '../../src/state/types';

const studio = (patch: (s: StudioRecipe) => StudioRecipe = (s) => s) => patch(structuredClone(defaultRecipe));

describe('studio recipe → core recipe', () => {
  it('maps the default controls to a valid recipe with the same choices', () => {
    const r = toCoreRecipe(studio());
    expect(r.prune).toMatchObject({ enabled: true, criterion: 'l1', ratio: 0.3, global: false, roundTo: 1 });
    expect(r.prune.macsTarget).toBeUndefined();
    expect(r.prune.recover).toEqual(['compensate', 'lsq', 'bn']);
    expect(r.quantize).toMatchObject({
      enabled: true,
      weights: 'per-channel',
      activations: 'uint8',
      method: 'minmax',
      maxDrop: 1,
    });
    expect(r.data).toMatchObject({ preprocess: 'unit', calibrationSamples: 256 });
    // The whole evaluation set unless a subset is asked for.
    expect(r.data.evalLimit).toBeUndefined();
    expect(r.evaluate.softwareGpu).toBe(false);
    expect(r.evaluate.backends).toEqual(['wasm', 'webgpu']);
    expect(r.evaluate.runs).toBe(20);
  });

  it('turns a MAC target into macsTarget (share removed) and drops the ratio', () => {
    const r = toCoreRecipe(studio((s) => ({ ...s, prune: { ...s.prune, target: 'macs', macsKeep: 0.6 } })));
    expect(r.prune.macsTarget).toBe(0.4);
    expect(r.prune.ratio).toBeUndefined();
  });

  it('carries how the MAC cut is spread and how widths are chosen (default even, fixed)', () => {
    expect(toCoreRecipe(studio()).prune).toMatchObject({ allocate: 'macs', widths: 'fixed' });
    const r = toCoreRecipe(
      studio((s) => ({
        ...s,
        prune: { ...s.prune, target: 'macs', macsKeep: 0.6, allocate: 'latency', widths: 'measured' },
      })),
    );
    expect(r.prune).toMatchObject({ macsTarget: 0.4, allocate: 'latency', widths: 'measured' });
    // A dropped recipe's choices show in the controls (they overrode the base's before).
    const back = fromCoreRecipe(r, studio());
    expect(back.prune).toMatchObject({ allocate: 'latency', widths: 'measured' });
  });

  it('maps global ranking, overrides, rounding, recovery, per-tensor int8 and a JSON preprocessing', () => {
    const pre = '{"scale":0.00392156862745098,"mean":[0.286],"std":[0.353]}';
    const r = toCoreRecipe(
      studio((s) => ({
        ...s,
        prune: {
          ...s.prune,
          ranking: 'global',
          overrides: { g3: 0.1 },
          roundTo: 8,
          criterion: 'fpgm',
          recovery: { bnRecalibration: false, biasCompensation: false, reconstruction: true },
        },
        quant: {
          ...s.quant,
          perChannel: false,
          activations: 'int8',
          calibration: 'entropy',
          accuracyBudget: 0,
        },
        preprocess: { calibration: pre, evaluation: pre },
        evaluate: { ...s.evaluate, evalLimit: null, webgpu: false, threads: 1 },
      })),
    );
    expect(r.prune).toMatchObject({
      global: true,
      overrides: { g3: 0.1 },
      roundTo: 8,
      criterion: 'fpgm',
      recover: ['lsq'],
    });
    expect(r.quantize).toMatchObject({ weights: 'per-tensor', activations: 'int8', method: 'entropy' });
    expect(r.quantize.maxDrop).toBeUndefined();
    expect(r.data.preprocess).toEqual({ scale: 0.00392156862745098, mean: [0.286], std: [0.353] });
    expect(r.data.evalLimit).toBeUndefined();
    expect(r.evaluate).toMatchObject({ backends: ['wasm'], threads: 1 });
  });

  it('names the field when a control holds a value the recipe refuses', () => {
    const bad = studio((s) => ({ ...s, quant: { ...s.quant, samples: 0 } }));
    expect(() => toCoreRecipe(bad)).toThrow(RecipeError);
    try {
      toCoreRecipe(bad);
    } catch (e) {
      expect((e as RecipeError).problems.join()).toContain('data.calibrationSamples');
    }
    const json = studio((s) => ({ ...s, preprocess: { calibration: '{"scale":', evaluation: 'unit' } }));
    expect(() => toCoreRecipe(json)).toThrow(/data\.preprocess/);
  });

  it('flags different preprocessing for the two roles (a recipe has one)', () => {
    expect(preprocessConflict(studio())).toBe(false);
    expect(
      preprocessConflict(
        studio((s) => ({ ...s, preprocess: { calibration: 'unit', evaluation: 'imagenet' } })),
      ),
    ).toBe(true);
    expect(
      preprocessConflict(
        studio((s) => ({ ...s, preprocess: { calibration: '{"scale":1}', evaluation: '{ "scale": 1 }' } })),
      ),
    ).toBe(false);
  });
});

describe('core recipe → studio recipe', () => {
  const recipes = [
    parseRecipe({
      version: 1,
      prune: {
        criterion: 'activation',
        macsTarget: 0.35,
        global: true,
        recover: ['lsq', 'bn'],
        steps: 3,
        includeFirst: true,
        maxPerGroup: 0.6,
        allocate: 'latency',
        widths: 'measured',
      },
      quantize: {
        weights: 'per-tensor',
        method: 'percentile',
        percentile: 99.9,
        exclude: ['/fc/Gemm'],
        maxDrop: 0.5,
        biasCorrection: true,
      },
      data: { preprocess: 'imagenet', calibrationSamples: 64, evalLimit: 500, batchSize: 32 },
      evaluate: { backends: ['wasm', 'webgpu'], threads: 2, runs: 7, warmup: 1, batch: 4 },
    }),
    parseRecipe({
      version: 1,
      prune: { enabled: false, ratio: 0, overrides: { g2: 0.5 }, recover: ['bn', 'compensate'] },
      quantize: { enabled: true, activations: 'int8', method: 'ema' },
      data: { preprocess: { scale: 1 / 255, mean: [0.5], std: [0.5] } },
    }),
  ];

  it.each(recipes.map((r, i) => [i, r] as const))(
    'round-trips recipe %i exactly, fields the studio has no control for included',
    (_, recipe) => {
      const s = fromCoreRecipe(recipe, studio());
      expect(toCoreRecipe(s)).toEqual(recipe);
    },
  );

  it('shows a dropped recipe in the controls', () => {
    const s = fromCoreRecipe(recipes[0], studio());
    expect(s.prune).toMatchObject({
      target: 'macs',
      macsKeep: 0.65,
      ranking: 'global',
      criterion: 'activation',
    });
    expect(s.prune.recovery).toEqual({
      bnRecalibration: true,
      biasCompensation: false,
      reconstruction: true,
    });
    expect(s.quant).toMatchObject({
      perChannel: false,
      calibration: 'percentile',
      samples: 64,
      accuracyBudget: 0.5,
    });
    expect(s.preprocess).toEqual({ calibration: 'imagenet', evaluation: 'imagenet' });
    expect(s.evaluate).toEqual({ evalLimit: 500, runs: 7, threads: 2, webgpu: true, softwareGpu: false });
  });

  it('keeps the shown preprocessing when the recipe leaves it to inference', () => {
    const current = studio((s) => ({ ...s, preprocess: { calibration: 'signed', evaluation: 'signed' } }));
    const s = fromCoreRecipe(parseRecipe({ version: 1 }), current);
    expect(s.preprocess).toEqual(current.preprocess);
  });

  it('carries the task control both ways: kind, ignore index and detection decoding', () => {
    const task = {
      kind: 'detection' as const,
      ignoreIndex: 0,
      detection: {
        format: 'ssd' as const,
        scoreThreshold: 0.25,
        nmsIou: 0.6,
        maxDetections: 50,
        variances: [0.1, 0.2] as [number, number],
      },
    };
    const core = toCoreRecipe(studio((s) => ({ ...s, task })));
    expect(core.task).toEqual(task);
    const back = fromCoreRecipe(
      parseRecipe({ version: 1, task: { kind: 'segmentation', ignoreIndex: 7 } }),
      studio(),
    );
    expect(back.task.kind).toBe('segmentation');
    expect(back.task.ignoreIndex).toBe(7);
    expect(toCoreRecipe(back).task).toEqual(back.task);
  });

  it('the schema the recipe download points at describes every section', () => {
    const schema = recipeJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['version', 'prune', 'quantize', 'data', 'evaluate']),
    );
  });
});

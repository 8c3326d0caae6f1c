import { describe, expect, it } from 'vitest';
import {
  defaultRecipe,
  parseRecipe,
  parseRecipeJson,
  recipeJsonSchema,
  RecipeError,
  RECIPE_VERSION,
} from '../../src/core/pipeline';

function problems(input: unknown): string[] {
  try {
    parseRecipe(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RecipeError);
    return (e as RecipeError).problems;
  }
  throw new Error('expected the recipe to be rejected');
}

describe('recipe', () => {
  it('fills every default from just a version', () => {
    const r = defaultRecipe();
    expect(r.version).toBe(RECIPE_VERSION);
    expect(r.prune).toMatchObject({
      enabled: true,
      criterion: 'l1',
      global: false,
      roundTo: 1,
      steps: 1,
      recover: [],
    });
    expect(r.quantize).toMatchObject({ weights: 'per-channel', activations: 'uint8', method: 'minmax' });
    expect(r.evaluate.backends).toEqual(['wasm']);
  });

  it('keeps what the user wrote and survives a JSON round trip', () => {
    const r = parseRecipe({
      version: 1,
      prune: { macsTarget: 0.4, criterion: 'fpgm', recover: ['lsq'], overrides: { g3: 0.5 } },
    });
    expect(parseRecipeJson(JSON.stringify(r))).toEqual(r);
    expect(r.prune.overrides).toEqual({ g3: 0.5 });
  });

  it('names every bad field', () => {
    const p = problems({
      version: 1,
      prune: { ratio: 2, criterion: 'random', overrides: { layer3: 0.1 } },
      quantize: { bits: 4 },
    });
    expect(p.some((m) => m.startsWith('prune.ratio:'))).toBe(true);
    expect(p.some((m) => m.startsWith('prune.criterion:'))).toBe(true);
    expect(p.some((m) => m.startsWith('prune.overrides.layer3:'))).toBe(true);
    expect(p.some((m) => m.startsWith('quantize:') && m.includes('bits'))).toBe(true);
  });

  it('refuses two pruning targets together, a wrong version, and bad JSON', () => {
    expect(problems({ version: 1, prune: { ratio: 0.3, macsTarget: 0.4 } })).toEqual([
      'prune.macsTarget: give one of ratio, macsTarget and latencyTarget',
    ]);
    expect(problems({ version: 1, prune: { latencyTarget: 0.33, macsTarget: 0.4 } })).toEqual([
      'prune.macsTarget: give one of ratio, macsTarget and latencyTarget',
    ]);
    expect(problems({ version: 1, prune: { latencyTarget: 1 } })[0]).toMatch(/^prune\.latencyTarget:/);
    expect(problems({ version: 1, quantize: { precision: 'fast' } })[0]).toMatch(/^quantize\.precision:/);
    expect(problems({ version: 2 })[0]).toMatch(/^version:/);
    expect(() => parseRecipeJson('{"version": 1,')).toThrow(/not valid JSON/);
  });

  it('names the task, auto by default, and refuses unknown tasks and formats', () => {
    expect(defaultRecipe().task).toEqual({
      kind: 'auto',
      ignoreIndex: 255,
      detection: {
        format: 'auto',
        scoreThreshold: 0.001,
        nmsIou: 0.5,
        maxDetections: 100,
        variances: [0.1, 0.2],
      },
    });
    const r = parseRecipe({ version: 1, task: { kind: 'detection', detection: { format: 'ssd' } } });
    expect(r.task.detection.format).toBe('ssd');
    expect(r.task.detection.nmsIou).toBe(0.5);
    const p = problems({ version: 1, task: { kind: 'pose', detection: { format: 'yolo', iou: 1 } } });
    expect(p.some((m) => m.startsWith('task.kind:'))).toBe(true);
    expect(p.some((m) => m.startsWith('task.detection:') && m.includes('iou'))).toBe(true);
  });

  it('fine-tuning is off by default and validates its fields', () => {
    expect(defaultRecipe().finetune).toMatchObject({
      enabled: false,
      epochs: 3,
      optimizer: 'adamw',
      temperature: 4,
    });
    expect(problems({ version: 1, finetune: { optimizer: 'lion', heldOut: 0.9 } })).toEqual([
      expect.stringMatching(/^finetune\.optimizer: /),
      expect.stringMatching(/^finetune\.heldOut: /),
    ]);
  });

  it('publishes a JSON Schema that describes the sections', () => {
    const schema = recipeJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual([
      'compute',
      'data',
      'evaluate',
      'finetune',
      'prune',
      'quantize',
      'task',
      'version',
    ]);
  });
});

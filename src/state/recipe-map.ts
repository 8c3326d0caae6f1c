/**
 * The studio's recipe (what the controls edit) to and from the core recipe (what the pipeline runs,
 * what is exported and dropped). `base` carries the core fields the studio has no control for, so
 * `toCoreRecipe(fromCoreRecipe(r, s))` gives back `r` when both dataset roles share one preprocessing.
 */
import { RecipeError, parseRecipe, type Recipe, type RecipeInput } from '../core/pipeline';
import type { ImportanceCriterion } from '../core/view';
import type { DataRole, PruneCriterion, RecoverySettings, StudioRecipe } from './types';

type RecoverStep = Recipe['prune']['recover'][number];

const RECOVERY: readonly [keyof RecoverySettings, RecoverStep][] = [
  ['biasCompensation', 'compensate'],
  ['reconstruction', 'lsq'],
  ['bnRecalibration', 'bn'],
];

/** The preprocessing text of a control (a preset name or JSON) as the recipe holds it. */
function preprocessValue(text: string): Recipe['data']['preprocess'] {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (!trimmed.startsWith('{')) return trimmed as 'unit';
  try {
    return JSON.parse(trimmed) as Recipe['data']['preprocess'];
  } catch (e) {
    throw new RecipeError([`data.preprocess: not valid JSON (${(e as Error).message})`]);
  }
}

const preprocessText = (p: Recipe['data']['preprocess']): string =>
  p === undefined ? '' : typeof p === 'string' ? p : JSON.stringify(p);

/** The preprocessing text a dataset role is read with (training images are fed like calibration's). */
export const preprocessFor = (recipe: StudioRecipe, role: DataRole): string =>
  recipe.preprocess[role === 'training' ? 'calibration' : role];

/** Whether the two dataset roles would be fed differently (the recipe has one preprocessing). */
export function preprocessConflict(studio: StudioRecipe): boolean {
  const norm = (t: string) => {
    try {
      return JSON.stringify(preprocessValue(t) ?? null);
    } catch {
      return t;
    }
  };
  return norm(studio.preprocess.calibration) !== norm(studio.preprocess.evaluation);
}

/**
 * The core recipe for the studio's settings: `base` with every field the controls own overwritten.
 * @throws RecipeError naming the fields out of range (e.g. a hand-typed sample count).
 */
export function toCoreRecipe(studio: StudioRecipe): Recipe {
  const { prune, quant, evaluate, base } = studio;
  const steps = new Set(RECOVERY.filter(([key]) => prune.recovery[key]).map(([, step]) => step));
  // Keep the base's order when it names the same steps: the order shows in stage labels.
  const sameSet = base.prune.recover.length === steps.size && base.prune.recover.every((s) => steps.has(s));
  const recover = sameSet ? base.prune.recover : RECOVERY.map(([, step]) => step).filter((s) => steps.has(s));
  const byMacs = prune.target === 'macs' && prune.macsKeep < 1;
  const byLatency = prune.target === 'latency';
  const { ratio: _r, macsTarget: _m, latencyTarget: _l, ...pruneRest } = base.prune;
  const backends = base.evaluate.backends.filter((b) => b !== 'webgpu');
  const input: RecipeInput = {
    ...base,
    prune: {
      ...pruneRest,
      enabled: prune.enabled,
      criterion: prune.criterion,
      ...(byLatency
        ? { latencyTarget: prune.latencyKeep }
        : byMacs
          ? { macsTarget: Number((1 - prune.macsKeep).toFixed(4)) }
          : { ratio: prune.ratio }),
      global: prune.ranking === 'global',
      overrides: { ...prune.overrides },
      roundTo: prune.roundTo,
      widths: prune.widths,
      allocate: prune.allocate,
      includeFirst: prune.includeFirst,
      includeClassifier: prune.includeClassifier,
      recover,
    },
    quantize: {
      ...base.quantize,
      enabled: quant.enabled,
      weights: quant.perChannel ? 'per-channel' : 'per-tensor',
      activations: quant.activations,
      method: quant.calibration,
      maxDrop: quant.accuracyBudget > 0 ? quant.accuracyBudget : undefined,
      precision: quant.precision,
    },
    data: {
      ...base.data,
      preprocess: preprocessValue(studio.preprocess.calibration),
      calibrationSamples: quant.samples,
      evalLimit: evaluate.evalLimit ?? undefined,
    },
    task: structuredClone(studio.task) as Recipe['task'],
    evaluate: {
      ...base.evaluate,
      backends: evaluate.webgpu
        ? [...(backends.length ? backends : ['wasm' as const]), 'webgpu']
        : backends.length
          ? backends
          : ['wasm'],
      runs: evaluate.runs,
      threads: evaluate.threads,
      softwareGpu: evaluate.softwareGpu,
    },
  };
  return parseRecipe(stripUndefined(input));
}

/** The studio's settings for a core recipe; the recipe becomes the new `base`. */
export function fromCoreRecipe(recipe: Recipe, current: StudioRecipe): StudioRecipe {
  const p = recipe.prune;
  // A recipe without preprocessing lets the reader infer it; the controls keep what they show.
  const pre = recipe.data.preprocess === undefined ? undefined : preprocessText(recipe.data.preprocess);
  return {
    prune: {
      ...current.prune,
      enabled: p.enabled,
      criterion: p.criterion,
      target: p.latencyTarget !== undefined ? 'latency' : p.macsTarget !== undefined ? 'macs' : 'ratio',
      ratio:
        p.ratio ?? (p.macsTarget !== undefined || p.latencyTarget !== undefined ? current.prune.ratio : 0),
      macsKeep: p.macsTarget !== undefined ? Number((1 - p.macsTarget).toFixed(4)) : current.prune.macsKeep,
      latencyKeep: p.latencyTarget ?? current.prune.latencyKeep,
      ranking: p.global ? 'global' : 'per-group',
      roundTo: p.roundTo,
      widths: p.widths,
      allocate: p.allocate,
      overrides: { ...p.overrides },
      includeFirst: p.includeFirst,
      includeClassifier: p.includeClassifier,
      recovery: Object.fromEntries(
        RECOVERY.map(([key, step]) => [key, p.recover.includes(step)]),
      ) as unknown as RecoverySettings,
    },
    quant: {
      enabled: recipe.quantize.enabled,
      perChannel: recipe.quantize.weights === 'per-channel',
      activations: recipe.quantize.activations,
      calibration: recipe.quantize.method,
      samples: recipe.data.calibrationSamples,
      accuracyBudget: recipe.quantize.maxDrop ?? 0,
      precision: recipe.quantize.precision,
    },
    preprocess: pre === undefined ? current.preprocess : { calibration: pre, evaluation: pre },
    evaluate: {
      evalLimit: recipe.data.evalLimit ?? null,
      runs: recipe.evaluate.runs,
      threads: recipe.evaluate.threads,
      webgpu: recipe.evaluate.backends.includes('webgpu'),
      softwareGpu: recipe.evaluate.softwareGpu,
    },
    task: structuredClone(recipe.task),
    base: recipe,
  };
}

/** The criterion the live estimate and the inspector rank by (they know weight norms only). */
export const viewCriterion = (criterion: PruneCriterion): ImportanceCriterion =>
  criterion === 'l2' ? 'l2' : 'l1';

/** zod's `.strict()` objects accept absent keys, not keys set to undefined in every position. */
function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, stripUndefined(v)]),
    ) as T;
  return value;
}

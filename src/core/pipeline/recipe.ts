/**
 * The recipe: a versioned JSON document naming every choice of a run (pruning, recovery,
 * quantization, data preprocessing, the task that defines accuracy, evaluation and benchmark settings). It is the unit of
 * reproducibility: the same recipe on the same model gives the same model in the page and the CLI.
 */
import { z } from 'zod';
import { RecipeError } from './errors';

export { RecipeError };

export const RECIPE_VERSION = 1;

const ratio = z.number().min(0).max(0.95);

const preprocessSpec = z
  .object({
    resize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    crop: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    scale: z.number().positive().optional(),
    mean: z.array(z.number()).min(1).optional(),
    std: z.array(z.number().positive()).min(1).optional(),
    channels: z.enum(['rgb', 'bgr', 'gray']).optional(),
    layout: z.enum(['nchw', 'nhwc']).optional(),
  })
  .strict();

const pruneSection = z
  .object({
    enabled: z.boolean().default(true),
    criterion: z.enum(['l1', 'l2', 'fpgm', 'activation', 'reconstruction']).default('l1'),
    /** Share of each group's channels to remove (uniform), or the global share when `global`. */
    ratio: ratio.optional(),
    /** Share of the model's MACs to remove; solved for instead of `ratio`. */
    macsTarget: z.number().gt(0).lt(1).optional(),
    global: z.boolean().default(false),
    /** Most any one group may lose under global ranking. */
    maxPerGroup: ratio.default(0.8),
    /** Per-group ratios by group id (`g3`), overriding the global choice. */
    overrides: z.record(z.string().regex(/^g\d+$/, 'a group id like "g3"'), ratio).default({}),
    /** Kept channels per group rounded to a multiple of this. */
    roundTo: z.number().int().min(1).max(256).default(1),
    /**
     * `measured`: each pruned group's kept count snaps to the width with the best measured latency per
     * channel kept in the target runtime (its INT8 kernels when INT8 follows), instead of `roundTo`
     * alone: under a MAC or latency target to the nearest fast multiple either way, re-planned so the
     * target still holds.
     */
    widths: z.enum(['fixed', 'measured']).default('fixed'),
    /**
     * How a `macsTarget` is spread over the groups: `macs` (uniform ratio, or the global ranking), or
     * `latency`: channels go where they cost the least importance per millisecond saved, from a
     * per-node profile in the target runtime, until the MACs have fallen by the target.
     */
    allocate: z.enum(['macs', 'latency']).default('macs'),
    /**
     * Latency of the final model as a fraction of the original's (0.33: three times faster), in the
     * first evaluation backend; planned from a per-node profile instead of `ratio` or `macsTarget`.
     */
    latencyTarget: z.number().gt(0).lt(1).optional(),
    includeFirst: z.boolean().default(false),
    includeClassifier: z.boolean().default(false),
    /** Reach the target in this many prune-and-recover steps (progressive schedule). */
    steps: z.number().int().min(1).max(16).default(1),
    recover: z.array(z.enum(['compensate', 'lsq', 'bn'])).default([]),
  })
  .strict()
  .refine((p) => [p.ratio, p.macsTarget, p.latencyTarget].filter((v) => v !== undefined).length <= 1, {
    message: 'give one of ratio, macsTarget and latencyTarget',
    path: ['macsTarget'],
  });

const quantizeSection = z
  .object({
    enabled: z.boolean().default(true),
    weights: z.enum(['per-channel', 'per-tensor']).default('per-channel'),
    activations: z.enum(['uint8', 'int8']).default('uint8'),
    method: z.enum(['minmax', 'ema', 'percentile', 'entropy', 'mse']).default('minmax'),
    percentile: z.number().gt(50).max(100).default(99.99),
    /** Node names kept in float. */
    exclude: z.array(z.string()).default([]),
    /**
     * Which nodes become INT8: `size` (default) everywhere the quantizer can; from a per-node latency
     * profile in the first evaluation backend, `speed` only where it runs faster there, `auto` unless
     * it is measurably (> 5 %) slower. Measured choices depend on the machine: the result lists the
     * nodes kept float, and `exclude` pins them for a byte-identical re-run.
     */
    precision: z.enum(['size', 'auto', 'speed']).default('size'),
    /** Accuracy-aware mode: return the most damaging ops to float until the drop is within budget. */
    maxDrop: z.number().min(0).max(100).optional(),
    maxDropRelative: z.boolean().default(false),
    biasCorrection: z.boolean().default(false),
  })
  .strict();

/**
 * Fine-tuning by knowledge distillation after channel removal: the original model teaches the
 * pruned one on the training images (labels optional). With `prune.steps` > 1 the run alternates
 * prune step → fine-tune (`stepEpochs`) → prune more, then fine-tunes `epochs` at the target.
 */
const finetuneSection = z
  .object({
    enabled: z.boolean().default(false),
    epochs: z.number().int().min(1).max(1000).default(3),
    /** Epochs after each intermediate progressive step. */
    stepEpochs: z.number().int().min(0).max(100).default(1),
    batchSize: z.number().int().min(1).max(4096).default(64),
    /** Training samples to use (the first ones); all when absent. */
    samples: z.number().int().min(2).optional(),
    optimizer: z.enum(['adamw', 'sgd']).default('adamw'),
    lr: z.number().positive().max(10).default(1e-3),
    warmupEpochs: z.number().min(0).max(100).default(0.25),
    weightDecay: z.number().min(0).max(1).default(5e-4),
    momentum: z.number().min(0).lt(1).default(0.9),
    temperature: z.number().positive().max(100).default(4),
    /** Loss weights: temperature-softened KL to the teacher, cross-entropy with labels, MSE on outputs. */
    kd: z.number().min(0).default(1),
    ce: z.number().min(0).default(0),
    mse: z.number().min(0).default(0),
    /**
     * BatchNorm while training: 'running' keeps the model's statistics fixed (folded convolutions
     * train as they are); 'batch' normalises every Conv by batch statistics and folds back after.
     */
    batchNorm: z.enum(['running', 'batch']).default('running'),
    flip: z.boolean().default(true),
    pad: z.number().int().min(0).max(64).default(2),
    /** Share of the training data held out to stop early and pick the best epoch. */
    heldOut: z.number().min(0).max(0.5).default(0.05),
    patience: z.number().int().min(1).max(100).default(2),
    seed: z.number().int().min(0).default(0),
    /**
     * Quantization-aware fine-tuning after the float epochs (needs `quantize.enabled`): the INT8 plan
     * fake-quantized, step sizes learned (LSQ), and the pruned INT8 stage exported from it.
     */
    qat: z.boolean().default(false),
    qatEpochs: z.number().int().min(1).max(1000).default(1),
    /** Peak learning rate of the QAT epochs (a tenth of `lr` is usual). */
    qatLr: z.number().positive().max(10).default(1e-4),
  })
  .strict();

const dataSection = z
  .object({
    preprocess: z.union([z.enum(['imagenet', 'unit', 'signed']), preprocessSpec]).optional(),
    calibrationSamples: z.number().int().min(1).max(100_000).default(256),
    /** Evaluate on at most this many labelled samples (all when absent). */
    evalLimit: z.number().int().min(1).optional(),
    batchSize: z.number().int().min(1).max(4096).default(64),
  })
  .strict();

const evaluateSection = z
  .object({
    backends: z
      .array(z.enum(['wasm', 'webgpu', 'native']))
      .min(1)
      .default(['wasm']),
    threads: z.number().int().min(1).max(64).default(1),
    runs: z.number().int().min(1).max(10_000).default(20),
    warmup: z.number().int().min(0).max(1000).default(3),
    batch: z.number().int().min(1).max(1024).default(1),
    /** Time on a software WebGPU adapter (SwiftShader) too; its timings say nothing about a GPU. */
    softwareGpu: z.boolean().default(false),
  })
  .strict();

const taskSection = z
  .object({
    /** What the metric is; `auto` decides from the outputs' shapes and the evaluation data. */
    kind: z.enum(['auto', 'classification', 'segmentation', 'detection', 'outputs']).default('auto'),
    /** Segmentation: mask value of pixels not scored. */
    ignoreIndex: z.number().int().min(0).max(65535).default(255),
    detection: z
      .object({
        format: z.enum(['auto', 'yolo', 'boxes-scores', 'ssd']).default('auto'),
        scoreThreshold: z.number().min(0).max(1).default(0.001),
        /** Class-wise NMS IoU. */
        nmsIou: z.number().gt(0).max(1).default(0.5),
        maxDetections: z.number().int().min(1).max(10_000).default(100),
        /** SSD box-coding variances (centre, size). */
        variances: z.tuple([z.number().positive(), z.number().positive()]).default([0.1, 0.2]),
      })
      .strict()
      .default(() => ({
        format: 'auto' as const,
        scoreThreshold: 0.001,
        nmsIou: 0.5,
        maxDetections: 100,
        variances: [0.1, 0.2] as [number, number],
      })),
  })
  .strict();

const computeSection = z
  .object({
    /**
     * Backend for Whittle's own math (criteria, least squares, observers, weight rounding): `auto`
     * measures the available ones and takes the fastest. Byte-identical results across machines need
     * the same backend on both (WASM gives the same bits in Node and in the browser).
     */
    kernels: z.enum(['auto', 'reference', 'wasm', 'webgpu']).default('auto'),
    /**
     * Memory the data passes may use, in MiB: it sets calibration's batch size and how many tensors
     * one pass observes (more passes when needed). The default fits a browser tab.
     */
    memoryBudgetMB: z.number().int().min(64).max(65_536).default(1024),
  })
  .strict();

export const recipeSchema = z
  .object({
    version: z.literal(RECIPE_VERSION),
    prune: pruneSection.default(() => pruneSection.parse({})),
    finetune: finetuneSection.default(() => finetuneSection.parse({})),
    quantize: quantizeSection.default(() => quantizeSection.parse({})),
    data: dataSection.default(() => dataSection.parse({})),
    evaluate: evaluateSection.default(() => evaluateSection.parse({})),
    task: taskSection.default(() => taskSection.parse({})),
    compute: computeSection.default(() => computeSection.parse({})),
  })
  .strict();

/** A recipe with every default filled in. */
export type Recipe = z.output<typeof recipeSchema>;
/** What a person may write: every section and most fields optional. */
export type RecipeInput = z.input<typeof recipeSchema>;

/** Validates `input` (parsed JSON) and fills defaults; throws {@link RecipeError} naming each bad field. */
export function parseRecipe(input: unknown): Recipe {
  const result = recipeSchema.safeParse(input);
  if (result.success) return result.data;
  throw new RecipeError(
    result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'recipe'}: ${i.message}`),
  );
}

/** Parses recipe JSON text; bad JSON is a {@link RecipeError} too. */
export function parseRecipeJson(text: string): Recipe {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecipeError([`not valid JSON (${(e as Error).message})`]);
  }
  return parseRecipe(value);
}

export function defaultRecipe(): Recipe {
  return parseRecipe({ version: RECIPE_VERSION });
}

/** The recipe's JSON Schema (draft 2020-12), for editors and for the studio's recipe download. */
export function recipeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(recipeSchema, { io: 'input' }) as Record<string, unknown>;
}

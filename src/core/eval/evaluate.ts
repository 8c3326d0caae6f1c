import { batches, type DatasetBatch } from './data/batches';
import type { Dataset } from './data/dataset';
import type { PreprocessSpec } from './data/preprocess';
import { resolvePreprocess, type PreprocessPlan, type ResolvedPreprocess } from './data/resolve-preprocess';
import { TopKAccumulator, type AccuracyResult } from './metrics/classification';
import { FidelityAccumulator, fidelityOverOutputs, type FidelityResult } from './metrics/fidelity';
import { TensorErrorAccumulator, type TensorErrorRow } from './metrics/tensor-error';
import type { RuntimeSession, TensorData, ValueMeta } from './types';

export interface EvaluateOptions {
  /** Omitted: inferred from the model input and the data (see `resolvePreprocess`). */
  readonly preprocess?: PreprocessSpec;
  /** Samples per `run` (default 64; capped by a fixed batch dim in the model). */
  readonly batchSize?: number;
  /** Use only the first `limit` samples. */
  readonly limit?: number;
  /** Which input and output to use when the model has several (default: the first). */
  readonly inputName?: string;
  readonly outputName?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * A task metric fed batch by batch (segmentation, detection: see `core/tasks`). When one is given,
 * classification top-k is not computed; the scorer reads the outputs it names.
 */
export interface BatchScorer {
  /** Outputs it reads (every output when omitted). */
  readonly outputs?: readonly string[];
  add(
    outputs: Readonly<Record<string, TensorData>>,
    batch: DatasetBatch,
    preprocess: ResolvedPreprocess,
  ): void | Promise<void>;
}

/** What one pass over a dataset measured. */
export interface EvaluationReport {
  /** Present when the dataset is labelled. */
  readonly accuracy?: AccuracyResult;
  /** With `accuracy`: 1 where sample i's top-1 was right (for paired comparisons of two models). */
  readonly top1Hits?: Uint8Array;
  /** Present when a reference session was given: every output of the model, each named. */
  readonly fidelity?: FidelityResult;
  readonly samples: number;
  /** What preprocessing had to assume ('' when the spec said everything). */
  readonly assumptions: string;
  readonly timeMs: number;
}

/**
 * Runs `session` over `dataset` batch by batch: top-1/top-5 accuracy when the dataset is labelled, and
 * fidelity against `reference` (same inputs, every output compared) when one is given. One pass, however
 * many metrics.
 */
export async function evaluateModel(
  session: RuntimeSession,
  dataset: Dataset,
  options: EvaluateOptions & { reference?: RuntimeSession; scorer?: BatchScorer } = {},
): Promise<EvaluationReport> {
  const started = performance.now();
  const { plan, outputName } = planRun(session, dataset, options);
  const { reference, scorer } = options;
  const pairs = reference ? pairOutputs(session.outputs, reference.outputs) : [];
  const fidelity = pairs.map(() => new FidelityAccumulator());
  const scored = scorer ? (scorer.outputs ?? session.outputs.map((o) => o.name)) : [outputName];
  const fetches = [...new Set([...scored, ...pairs.map((p) => p.test)])];
  const topK = dataset.labels && !scorer ? new TopKAccumulator(dataset.name) : undefined;
  const total = Math.min(dataset.size, options.limit ?? Infinity);
  let samples = 0;
  for await (const batch of batches(dataset, plan.preprocess, {
    batchSize: options.batchSize ?? 64,
    limit: options.limit,
    signal: options.signal,
  })) {
    const feeds = {
      [plan.preprocess.inputName]: { type: 'float32', data: batch.input, dims: batch.dims } as TensorData,
    };
    const n = batch.dims[0];
    const [out, ref] = await Promise.all([
      session.run(feeds, fetches),
      reference?.run(
        feeds,
        pairs.map((p) => p.reference),
      ),
    ]);
    if (topK && batch.labels) {
      const logits = out[outputName].data as Float32Array;
      topK.add(logits, logits.length / n, batch.labels);
    }
    if (scorer) await scorer.add(out, batch, plan.preprocess);
    if (ref) {
      for (const [i, p] of pairs.entries()) {
        const a = numbers(ref[p.reference], p.reference);
        fidelity[i].add(a, numbers(out[p.test], p.test), a.length / n);
      }
    }
    samples += n;
    options.onProgress?.(samples, total);
  }
  return {
    accuracy: topK?.result(),
    top1Hits: topK?.top1Hits(),
    fidelity: reference
      ? fidelityOverOutputs(pairs.map((p, i) => ({ output: p.test, ...fidelity[i].result() })))
      : undefined,
    samples,
    assumptions: plan.assumptions,
    timeMs: performance.now() - started,
  };
}

/**
 * Per-tensor SQNR between two sessions over a dataset. Load both models through `exposeIntermediates`
 * first so their inner tensors are outputs; tensors are matched by name.
 */
export async function measureTensorErrors(
  reference: RuntimeSession,
  test: RuntimeSession,
  dataset: Dataset,
  options: EvaluateOptions = {},
): Promise<TensorErrorRow[]> {
  const { plan } = planRun(reference, dataset, options);
  const testNames = new Set(test.outputs.map((o) => o.name));
  const shared = reference.outputs.map((o) => o.name).filter((n) => testNames.has(n));
  const errors = new TensorErrorAccumulator();
  for await (const batch of batches(dataset, plan.preprocess, {
    batchSize: options.batchSize ?? 64,
    limit: options.limit,
    signal: options.signal,
  })) {
    const feeds = {
      [plan.preprocess.inputName]: { type: 'float32', data: batch.input, dims: batch.dims } as TensorData,
    };
    const [a, b] = await Promise.all([reference.run(feeds, shared), test.run(feeds, shared)]);
    errors.add(a, b);
  }
  return errors.result();
}

function planRun(
  session: RuntimeSession,
  dataset: Dataset,
  options: EvaluateOptions,
): { plan: PreprocessPlan; outputName: string } {
  const input = pickValue(session.inputs, options.inputName, 'input');
  const output = pickValue(session.outputs, options.outputName, 'output');
  return { plan: resolvePreprocess(options.preprocess, input, dataset), outputName: output.name };
}

/**
 * Each test output with its reference counterpart: the same name, else the same position (a tool may
 * rename outputs). An output with neither has nothing to be compared with, which is an error.
 */
function pairOutputs(
  test: readonly ValueMeta[],
  reference: readonly ValueMeta[],
): { test: string; reference: string }[] {
  const names = new Set(reference.map((r) => r.name));
  return test.map((t, i) => {
    const match = names.has(t.name) ? t.name : reference[i]?.name;
    if (match === undefined)
      throw new Error(`The reference model has no output to compare with output '${t.name}'.`);
    return { test: t.name, reference: match };
  });
}

/** Output values as numbers (64-bit integer outputs, e.g. class ids, converted). */
function numbers(t: TensorData | undefined, name: string): ArrayLike<number> {
  if (t === undefined) throw new Error(`The model did not return output '${name}'.`);
  const d = t.data;
  return d instanceof BigInt64Array || d instanceof BigUint64Array ? Float64Array.from(d, Number) : d;
}

function pickValue(values: readonly ValueMeta[], name: string | undefined, what: string): ValueMeta {
  if (name === undefined) {
    if (values.length === 0) throw new Error(`The model has no ${what}s.`);
    return values[0];
  }
  const found = values.find((v) => v.name === name);
  if (!found)
    throw new Error(
      `The model has no ${what} named '${name}' (it has ${values.map((v) => v.name).join(', ')}).`,
    );
  return found;
}

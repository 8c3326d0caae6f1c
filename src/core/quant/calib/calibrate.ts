/**
 * Calibration: runs the float model over unlabelled batches through an injected runtime, with the
 * planned tensors exposed as outputs, and feeds each tensor to its observer batch by batch — only one
 * batch of activations is alive at a time. Observers that only need min and max get them from the
 * runtime (ReduceMin/ReduceMax outputs), so no activation leaves it. A memory budget sizes the batches
 * and, when even one sample with every tensor exposed would not fit, splits the tensors over passes.
 */
import type { KernelBackend } from '../../../kernels';
import { createReferenceBackend } from '../../../kernels';
import {
  batchSlices,
  bytesOf,
  DEFAULT_MEMORY_BUDGET,
  exposeIntermediates,
  MemoryMeter,
  type InferenceRuntime,
  type TensorData,
} from '../../eval';
import { activationSizes, importModel, inferShapes } from '../../graph';
import { decodeModel } from '../../onnx';
import { calibrationTensors } from '../plan/plan';
import type { QuantPlan, Ranges } from '../types';
import { createObserver, type ObserverOptions, type RangeObserver } from './observers';
import { planPasses, type PassPlan } from './passes';
import { nonNegativeTensors } from './non-negative';
import { withRangeOutputs } from './range-outputs';

/** One batch of model inputs, by input name. */
export type Feeds = Readonly<Record<string, TensorData>>;

type Batches = AsyncIterable<Feeds> | Iterable<Feeds>;
/** Calibration batches: read once, or a function giving a fresh pass each call. */
export type FeedSource = Batches | (() => Batches);

export interface CalibrateOptions extends Partial<ObserverOptions> {
  /** Kernel backend for the observers (default: the reference backend). */
  readonly kernels?: KernelBackend;
  readonly signal?: AbortSignal;
  /** Called after each batch with the samples seen in this pass. */
  readonly onProgress?: (samples: number, pass: number, passes: number) => void;
  /** Bytes calibration may use (default {@link DEFAULT_MEMORY_BUDGET}). */
  readonly memoryBudget?: number;
  /** Receives the large buffers calibration holds (default: a private meter). */
  readonly meter?: MemoryMeter;
}

export interface CalibrationReport {
  readonly ranges: Ranges;
  readonly samples: number;
  readonly plan: PassPlan;
  /** Peak bytes of buffers calibration held (outputs, cached inputs), as counted by the meter. */
  readonly peakTrackedBytes: number;
}

/**
 * Ranges for every tensor of `plan` that needs one (pass-through outputs borrow their input's).
 * `modelBytes` is the prepared float model the plan was made for (`exportModel` + `encodeModel`).
 */
export async function calibrate(
  modelBytes: Uint8Array,
  plan: QuantPlan,
  batches: FeedSource,
  runtime: InferenceRuntime,
  options: CalibrateOptions = {},
): Promise<Ranges> {
  return (await calibrateWithReport(modelBytes, plan, batches, runtime, options)).ranges;
}

/** {@link calibrate}, with the pass plan and the memory it held. */
export async function calibrateWithReport(
  modelBytes: Uint8Array,
  plan: QuantPlan,
  source: FeedSource,
  runtime: InferenceRuntime,
  options: CalibrateOptions = {},
): Promise<CalibrationReport> {
  const kernels = options.kernels ?? createReferenceBackend();
  const meter = options.meter ?? new MemoryMeter();
  const peakBefore = meter.peak;
  const model = decodeModel(modelBytes);
  const graph = importModel(model);
  const names = calibrationTensors(plan);
  const sizes = activationSizes(graph, inferShapes(graph), 1);
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const fetched = names.filter((n) => !inputs.has(n) && graph.producer(n) !== undefined);
  const observerOptions: ObserverOptions = {
    ...options,
    method: options.method ?? 'minmax',
    activations: plan.scheme.activations,
  };
  const observers = new Map(names.map((n) => [n, createObserver(kernels, observerOptions)]));
  const reduced = [...observers.values()].every((o) => o.updateMinMax !== undefined);
  const nonNegative = nonNegativeTensors(graph);
  const passPlan = planPasses({
    tensors: fetched.map((name) => ({ name, elements: sizes.elements(name) ?? 1 })),
    residentPerByte: reduced ? 2.5 : 4,
    inputElements: [...inputs].reduce((s, n) => s + (sizes.elements(n) ?? 1), 0),
    liveElements: sizes.peakLive,
    modelBytes: modelBytes.byteLength,
    budget: options.memoryBudget ?? DEFAULT_MEMORY_BUDGET,
  });
  const passes = passPlan.passes.length;
  // A one-shot source read more than once is kept in memory after the first pass.
  const cached: Feeds[] | undefined = passes > 1 && typeof source !== 'function' ? [] : undefined;
  const releases: (() => void)[] = [];
  let samples = 0;
  try {
    for (let p = 0; p < passes; p++) {
      const exposed = passPlan.passes[p];
      const ranges = reduced ? withRangeOutputs(model, exposed, nonNegative) : undefined;
      const fetches = ranges
        ? [...ranges.outputs.values()].flat().filter((n): n is string => n !== undefined)
        : exposed;
      // Observers work between runs, unless the runtime reduces every tensor itself.
      const session = await runtime.createSession(ranges?.bytes ?? exposeIntermediates(model, exposed), {
        interleaved: !ranges,
      });
      let seen = 0;
      try {
        const batches: Batches = p > 0 && cached ? cached : typeof source === 'function' ? source() : source;
        for await (const feeds of batches) {
          if (p === 0 && cached) {
            cached.push(feeds);
            releases.push(meter.hold(bytesOf(Object.values(feeds))));
          }
          for (const part of batchSlices(feeds, passPlan.batchSize)) {
            options.signal?.throwIfAborted();
            const outputs = fetches.length > 0 ? await session.run(part, fetches) : {};
            const release = meter.hold(bytesOf([...Object.values(outputs), ...Object.values(part)]));
            try {
              if (ranges)
                for (const [name, [lo, hi]] of ranges.outputs)
                  observers.get(name)!.updateMinMax!(lo ? scalar(outputs[lo]) : 0, scalar(outputs[hi]));
              await observe(observers, p === 0 ? names : ranges ? [] : exposed, ranges ? {} : outputs, part);
            } finally {
              release();
            }
            seen += Object.values(part)[0]?.dims[0] ?? 1;
            options.onProgress?.(seen, p, passes);
          }
        }
      } finally {
        await session.release();
      }
      if (p === 0) samples = seen;
    }
  } finally {
    for (const r of releases) r();
  }
  if (samples === 0) throw new Error('Calibration saw no batches.');
  const ranges: Ranges = {};
  for (const [name, observer] of observers) ranges[name] = await observer.result();
  return { ranges, samples, plan: passPlan, peakTrackedBytes: meter.peak - peakBefore };
}

/** Feeds every observer whose tensor this batch carries (outputs, or graph inputs in the feeds). */
async function observe(
  observers: ReadonlyMap<string, RangeObserver>,
  names: readonly string[],
  outputs: Readonly<Record<string, TensorData>>,
  feeds: Feeds,
): Promise<void> {
  for (const name of names) {
    const t = outputs[name] ?? feeds[name];
    if (!t) continue;
    if (!(t.data instanceof Float32Array)) throw new Error(`Tensor '${name}' is ${t.type}, not float32.`);
    await observers.get(name)!.update(t.data);
  }
}

function scalar(t: TensorData | undefined): number {
  if (!t || !(t.data instanceof Float32Array)) throw new Error('The runtime returned no float range.');
  return t.data[0];
}

/**
 * Calibration: runs the float model over unlabelled batches through an injected runtime, with the
 * planned tensors exposed as outputs, and feeds each tensor to its observer batch by batch — only one
 * batch of activations is alive at a time.
 */
import type { KernelBackend } from '../../../kernels';
import { createReferenceBackend } from '../../../kernels';
import { exposeIntermediates, type InferenceRuntime, type TensorData } from '../../eval';
import { decodeModel } from '../../onnx';
import { calibrationTensors } from '../plan/plan';
import type { QuantPlan, Ranges } from '../types';
import { createObserver, type ObserverOptions } from './observers';

/** One batch of model inputs, by input name. */
export type Feeds = Readonly<Record<string, TensorData>>;

export interface CalibrateOptions extends Partial<ObserverOptions> {
  /** Kernel backend for the observers (default: the reference backend). */
  readonly kernels?: KernelBackend;
  readonly signal?: AbortSignal;
  /** Called after each batch with the samples seen so far. */
  readonly onProgress?: (samples: number) => void;
}

/**
 * Ranges for every tensor of `plan` that needs one (pass-through outputs borrow their input's).
 * `modelBytes` is the prepared float model the plan was made for (`exportModel` + `encodeModel`).
 */
export async function calibrate(
  modelBytes: Uint8Array,
  plan: QuantPlan,
  batches: AsyncIterable<Feeds> | Iterable<Feeds>,
  runtime: InferenceRuntime,
  options: CalibrateOptions = {},
): Promise<Ranges> {
  const kernels = options.kernels ?? createReferenceBackend();
  const model = decodeModel(modelBytes);
  const produced = new Set(model.graph?.node.flatMap((n) => n.output) ?? []);
  const names = calibrationTensors(plan);
  const fetched = names.filter((n) => produced.has(n));
  const observerOptions: ObserverOptions = {
    ...options,
    method: options.method ?? 'minmax',
    activations: plan.scheme.activations,
  };
  const observers = new Map(names.map((n) => [n, createObserver(kernels, observerOptions)]));
  const session = await runtime.createSession(exposeIntermediates(model, fetched));
  let samples = 0;
  try {
    for await (const feeds of batches) {
      options.signal?.throwIfAborted();
      const outputs = fetched.length > 0 ? await session.run(feeds, fetched) : {};
      for (const [name, observer] of observers) {
        const t = outputs[name] ?? feeds[name];
        if (!t) continue;
        if (!(t.data instanceof Float32Array)) throw new Error(`Tensor '${name}' is ${t.type}, not float32.`);
        await observer.update(t.data);
      }
      const first = Object.values(feeds)[0];
      samples += first?.dims[0] ?? 1;
      options.onProgress?.(samples);
    }
  } finally {
    await session.release();
  }
  if (samples === 0) throw new Error('Calibration saw no batches.');
  const ranges: Ranges = {};
  for (const [name, observer] of observers) ranges[name] = await observer.result();
  return ranges;
}

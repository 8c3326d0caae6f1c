/**
 * The open model's latency, measured here as the run's latency target will measure it: the profile's
 * timer (interleaved rounds, 10th percentile) over onnxruntime-web wasm with the recipe's threads.
 * The studio turns its latency slider's milliseconds into the recipe's fraction of this figure.
 */
import { runtimeTimer } from '../src/core/profile';
import { wasmRuntime } from './engines';
import { modelBytes, session, type OpenSession } from './session';
import type { ModelLatency } from './protocol';

/** Measurements of each open model by runtime key; a model opened again is measured again. */
const measured = new WeakMap<OpenSession, Map<string, Promise<ModelLatency>>>();

/**
 * Milliseconds of one batch-1 run of the open model. `again` times it afresh (the machine's load
 * changed); otherwise the first measurement of this model in this runtime is kept.
 */
export async function measureModelLatency(threads: number, again = false): Promise<ModelLatency> {
  const model = session.model;
  if (!model) throw new Error('Open a model before measuring its latency.');
  const runtime = await wasmRuntime(threads);
  // More warm-up than the run's profile: a fresh onnxruntime-web is many times slower on its first
  // calls (its code is still being compiled), and this may be its first model.
  const timer = runtimeTimer(runtime, { runs: 15, warmup: 5 });
  const byRuntime = measured.get(model) ?? new Map<string, Promise<ModelLatency>>();
  measured.set(model, byRuntime);
  let found = again ? undefined : byRuntime.get(timer.key);
  if (!found) {
    found = timer.time([modelBytes()]).then(([ms]) => ({ ms, runtime: timer.key }));
    byRuntime.set(timer.key, found);
    found.catch(() => byRuntime.delete(timer.key));
  }
  return found;
}

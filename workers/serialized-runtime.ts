/**
 * onnxruntime-web's browser build (the one with WebGPU, "JSEP") runs one `session.run` at a time per
 * wasm instance: a second run started before the first ends fails with "Session already started".
 * Core code overlaps runs (evaluation runs a stage and the reference together), so every runtime
 * from that instance goes through one queue here. Order is kept, so results are those of running
 * the calls one after another.
 */
import type { InferenceRuntime, RuntimeSession } from '../src/core/eval';

let tail: Promise<unknown> = Promise.resolve();

/** Runs `task` after every task queued before it, whether those succeeded or failed. */
function enqueue<T>(task: () => Promise<T>): Promise<T> {
  const result = tail.then(task, task);
  tail = result.catch(() => undefined);
  return result;
}

/** `runtime` with its session creation, runs and releases queued on the shared instance. */
export function serialized(runtime: InferenceRuntime): InferenceRuntime {
  return {
    backend: runtime.backend,
    threads: runtime.threads,
    async createSession(model, options) {
      const session = await enqueue(() => runtime.createSession(model, options));
      const wrapped: RuntimeSession = {
        inputs: session.inputs,
        outputs: session.outputs,
        run: (feeds, fetches) => enqueue(() => session.run(feeds, fetches)),
        release: () => enqueue(() => session.release()),
      };
      return wrapped;
    },
  };
}

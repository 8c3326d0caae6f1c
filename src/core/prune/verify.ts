/**
 * The last check before a pruned model is handed out: onnxruntime loads it and runs it on one
 * synthetic batch, and — for a model with channels removed — its outputs equal those of the masked
 * model it was cut from (the math says equal; only summation order differs). `onnx.checker` passes
 * models onnxruntime refuses (a BatchNorm whose mean kept 128 channels while its scale went to 110),
 * so only running the model proves the removal was consistent.
 */
import { syntheticFeeds, type InferenceRuntime, type RuntimeSession, type TensorData } from '../eval';

/** The pruned model does not load or run in onnxruntime, or does not compute what the masked model does. */
export class PruneCheckError extends Error {
  override readonly name = 'PruneCheckError';
}

export interface PruneCheck {
  /** Whether outputs were compared (false when the inputs have symbolic dims past the batch). */
  compared: boolean;
  /** Largest max|masked − removed| / max|masked| over the outputs (0 when not compared). */
  relativeError: number;
}

/** Relative error above which removal is taken to have changed what the model computes. */
const TOLERANCE = 1e-3;

/**
 * Runs `pruned` in `runtime` (and `masked`, when given, on the same inputs) and throws a
 * {@link PruneCheckError} naming what failed; nothing is written by the caller until this passes.
 */
export async function checkPrunedModel(
  runtime: InferenceRuntime,
  pruned: Uint8Array,
  masked?: Uint8Array,
): Promise<PruneCheck> {
  const session = await open(runtime, pruned, 'The pruned model');
  try {
    let feeds: Record<string, TensorData>;
    try {
      feeds = syntheticFeeds(session.inputs, 1);
    } catch {
      return { compared: false, relativeError: 0 }; // loading is all that can be checked
    }
    const out = await runOn(session, feeds, 'The pruned model');
    if (!masked) return { compared: false, relativeError: 0 };
    const ref = await open(runtime, masked, 'The masked model');
    try {
      const expected = await runOn(ref, feeds, 'The masked model');
      let worst = 0;
      for (const [name, e] of Object.entries(expected)) {
        const got = out[name];
        if (!got || got.dims.join() !== e.dims.join())
          throw new PruneCheckError(
            `The pruned model's output '${name}' has shape [${got?.dims.join(', ') ?? 'none'}], the masked model's [${e.dims.join(', ')}]; nothing was written.`,
          );
        const err = relativeError(e.data as ArrayLike<number>, got.data as ArrayLike<number>);
        if (!(err <= TOLERANCE))
          throw new PruneCheckError(
            `The pruned model's output '${name}' differs from the masked model's by ${err.toExponential(2)} (relative; at most ${TOLERANCE} expected): channel removal was inconsistent, nothing was written.`,
          );
        worst = Math.max(worst, err);
      }
      return { compared: true, relativeError: worst };
    } finally {
      await ref.release();
    }
  } finally {
    await session.release();
  }
}

async function open(runtime: InferenceRuntime, bytes: Uint8Array, what: string): Promise<RuntimeSession> {
  try {
    return await runtime.createSession(bytes);
  } catch (e) {
    throw new PruneCheckError(`${what} does not load in onnxruntime (${firstLine(e)}); nothing was written.`);
  }
}

async function runOn(
  session: RuntimeSession,
  feeds: Record<string, TensorData>,
  what: string,
): Promise<Record<string, TensorData>> {
  try {
    return await session.run(feeds);
  } catch (e) {
    throw new PruneCheckError(`${what} does not run in onnxruntime (${firstLine(e)}); nothing was written.`);
  }
}

/** max|a − b| / max|a| over elements; non-finite values must match exactly. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (!Object.is(x, y)) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(x));
  }
  return scale > 0 ? diff / scale : diff;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n', 1)[0].trim();
}

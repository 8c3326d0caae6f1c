/**
 * How the worker answers: an expected failure (a file the codec refuses, a dataset the reader
 * refuses, preprocessing that does not fit, a bad recipe) is a value the page shows as a sentence;
 * anything else is a bug and is thrown, unless the call says which code to report it under.
 */
import { OnnxFormatError } from '../src/core/onnx';
import { DatasetError, PreprocessError } from '../src/core/eval';
import { RecipeError } from '../src/core/pipeline';
import type { Failure } from './protocol';

const fail = (message: string, code: string): Failure => ({ ok: false, error: { message, code } });

/** The answer for an expected failure, or undefined for anything else. */
export function expectedFailure(err: unknown): Failure | undefined {
  if (err instanceof OnnxFormatError) return fail(err.message, err.code);
  if (err instanceof DatasetError) return fail(err.message, 'dataset');
  if (err instanceof PreprocessError) return fail(err.message, 'preprocess');
  if (err instanceof RecipeError) return fail(err.message, 'recipe');
  return undefined;
}

export interface AnswerOptions {
  /** Tried before the expected failures (a cancelled job answers `cancelled` whatever it threw). */
  first?: (err: unknown) => Failure | undefined;
  /** Report any other error under this code instead of throwing it. */
  code?: string;
}

/** Runs `work`; its failures become answers as `options` say. */
export async function answer<T>(
  work: () => T | Promise<T>,
  options: AnswerOptions = {},
): Promise<T | Failure> {
  try {
    return await work();
  } catch (err) {
    const known = options.first?.(err) ?? expectedFailure(err);
    if (known) return known;
    if (options.code) return fail(err instanceof Error ? err.message : String(err), options.code);
    throw err;
  }
}

/** The run, sweep or analysis in progress; `cancelJob` aborts it. One at a time. */
let current: AbortController | null = null;

/**
 * Runs `work` as the one cancellable job: a second job while one runs answers `busy`, a cancelled
 * one `cancelled`, any other failure `run` (the page shows its message and keeps its state).
 */
export async function job<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T | Failure> {
  if (current) return fail('Another run is in progress.', 'busy');
  const controller = new AbortController();
  current = controller;
  try {
    return await answer(() => work(controller.signal), {
      first: () => (controller.signal.aborted ? fail('The run was cancelled.', 'cancelled') : undefined),
      code: 'run',
    });
  } finally {
    current = null;
  }
}

/** Aborts the job in progress, if any. */
export const cancelJob = () => current?.abort();

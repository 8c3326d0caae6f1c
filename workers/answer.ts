/**
 * How the worker answers: an expected failure (a file the codec refuses, a dataset the reader
 * refuses, preprocessing that does not fit, a bad recipe) is a value the page shows as a sentence;
 * anything else is a bug and is thrown, unless the call says which code to report it under.
 */
import { userErrorCode } from '../src/core/errors';
import type { Failure } from './protocol';

const fail = (message: string, code: string): Failure => ({ ok: false, error: { message, code } });

/** The answer for an expected failure (core's typed user errors, the CLI's exit 2), or undefined. */
export function expectedFailure(err: unknown): Failure | undefined {
  const code = userErrorCode(err);
  return code === undefined ? undefined : fail((err as Error).message, code);
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

import { isUserError } from '../core/errors';

/** A mistake the user can fix (bad flag, missing file): printed as one sentence, exit code 2. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/**
 * Exit codes: 0 success, 1 a bug or unexpected failure, 2 bad input (arguments, model, dataset,
 * recipe: a UserError here or one of core's typed errors, see `isUserError`).
 */
export const ExitCode = { ok: 0, unexpected: 1, badInput: 2 } as const;

/**
 * Turns any error into one line on stderr and an exit code — never a stack trace, because the
 * person running the CLI needs to know what to fix, not where in our code it was noticed.
 * Set WHITTLE_DEBUG=1 to see the stack of unexpected errors.
 */
export function reportError(err: unknown): number {
  if (err instanceof UserError || isUserError(err)) {
    console.error(`whittle: ${err.message}`);
    return ExitCode.badInput;
  }
  const fsError = describeFsError(err);
  if (fsError) {
    console.error(`whittle: ${fsError}`);
    return ExitCode.badInput;
  }
  const message = err instanceof Error ? err.message : String(err);
  console.error(`whittle: unexpected error: ${firstLine(message)}`);
  if (process.env.WHITTLE_DEBUG && err instanceof Error && err.stack) console.error(err.stack);
  return ExitCode.unexpected;
}

/** File-system errors are the user's (a path that does not exist), so they read as one sentence too. */
function describeFsError(err: unknown): string | null {
  if (!(err instanceof Error) || !('code' in err) || !('path' in err)) return null;
  const path = String(err.path);
  switch (err.code) {
    case 'ENOENT':
      return `${path} does not exist.`;
    case 'EISDIR':
      return `${path} is a directory, not a file.`;
    case 'EACCES':
    case 'EPERM':
      return `${path} cannot be read (permission denied).`;
    default:
      return null;
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}

import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors';

/** A path as the file system sees it: links resolved, and for a file not yet there, its folder's. */
function realPath(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

/**
 * Refuses, before any work, outputs that would overwrite an input (the model, its external data, a
 * dataset, a recipe) or each other, compared by real path, and outputs whose folder cannot take a new
 * file. `outputs` maps each output's flag (`--out`) to its path.
 */
export function checkOutputs(
  command: string,
  outputs: Readonly<Record<string, string | undefined>>,
  inputs: readonly (string | undefined)[],
): void {
  const taken = new Map<string, string>();
  // Only paths that exist are inputs (`--preprocess imagenet` names a preset, not a file).
  for (const input of inputs) if (input !== undefined && existsSync(input)) taken.set(realPath(input), input);
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    const real = realPath(path);
    const clash = taken.get(real);
    if (clash !== undefined) {
      throw new UserError(
        `${command}: ${flag} ${path} is the same file as ${clash}; write to another path so the input is kept.`,
      );
    }
    taken.set(real, `${flag} ${path}`);
    checkWritableFolder(command, flag, path);
  }
}

function checkWritableFolder(command: string, flag: string, path: string): void {
  const folder = dirname(resolve(path));
  let problem: string | undefined;
  try {
    if (!statSync(folder).isDirectory()) problem = 'its folder is not a directory';
    else accessSync(folder, constants.W_OK);
  } catch (err) {
    problem = reason(err);
  }
  if (problem) throw new UserError(`${command}: ${flag} ${path} cannot be written (${problem}).`);
}

function reason(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'ENOTDIR':
      return 'its folder is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return (err as Error).message;
  }
}

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder, which is flushed and
 * then renamed over `path`, so a failed or interrupted write never leaves half a file where the user's
 * was. A failure is reported as a write error naming `path`.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx');
    try {
      const parts = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
      for (const part of parts) await file.writeFile(part);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new UserError(`${path} cannot be written (${reason(err)}).`);
  }
}

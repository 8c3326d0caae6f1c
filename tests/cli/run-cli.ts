import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`bin/whittle.mjs`) in a child process from the repository root. */
export function runCli(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, ['bin/whittle.mjs', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, WHITTLE_DEBUG: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fixture path relative to the repository root (the CLI's working directory). */
export const fixturePath = (name: string) => `tests/fixtures/${name}`;

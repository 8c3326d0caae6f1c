import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Like `runCli`, plus the child's peak resident memory in bytes (`getrusage` maxRSS at exit). */
export function runCliMeasured(
  env: Record<string, string>,
  ...args: string[]
): CliResult & { peakRss: number } {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-rss-'));
  const file = join(dir, 'rss');
  try {
    const result = spawnSync(
      process.execPath,
      ['--import', './tests/cli/report-peak-rss.mjs', 'bin/whittle.mjs', ...args],
      {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, WHITTLE_DEBUG: '', ...env, WHITTLE_TEST_RSS_FILE: file },
        timeout: 120_000,
      },
    );
    const peakRss = Number(readFileSync(file, 'utf8'));
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, peakRss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fixture path relative to the repository root (the CLI's working directory). */
export const fixturePath = (name: string) => `tests/fixtures/${name}`;

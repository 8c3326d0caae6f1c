/**
 * Outputs never cost the user an input: an output equal to any input (by real path, links included)
 * is refused before any work, outputs are written atomically (temporary file + rename), and a write
 * that fails is reported as a write error naming the path.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as optimize } from '../../src/cli/commands/optimize';
import { run as prune } from '../../src/cli/commands/prune';
import { run as quantize } from '../../src/cli/commands/quantize';
import { UserError } from '../../src/cli/errors';
import { writeFileAtomic } from '../../src/cli/output';
import { fixturePath, runCli } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-outputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A copy of the zoo model in its own folder. */
function modelCopy(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'model.onnx');
  copyFileSync(fixturePath('fmnist-resnet8.onnx'), path);
  return path;
}

async function refusal(action: Promise<number>): Promise<string> {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  vi.restoreAllMocks();
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('an output equal to an input is refused and the input kept', () => {
  it('prune --out MODEL (exit 2, one sentence, byte-identical model)', () => {
    const model = modelCopy('prune-same');
    const before = sha(model);
    const r = runCli('prune', model, '--ratio', '0.3', '--out', model);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `whittle: prune: --out ${model} is the same file as ${model}; write to another path so the input is kept.\n`,
    );
    expect(sha(model)).toBe(before);
  });

  it('prune --out through a link to the model', async () => {
    const model = modelCopy('prune-link');
    const link = join(tmp, 'prune-link', 'alias.onnx');
    symlinkSync(model, link);
    const before = sha(model);
    expect(await refusal(prune([model, '--ratio', '0.3', '--out', link]))).toMatch(
      /^prune: --out .*alias\.onnx is the same file as .*model\.onnx; write to another path/,
    );
    expect(sha(model)).toBe(before);
  });

  it('quantize --out MODEL, and --out the calibration data', async () => {
    const model = modelCopy('quantize-same');
    const before = sha(model);
    expect(await refusal(quantize([model, '--calib', fixturePath('fmnist-calib'), '--out', model]))).toMatch(
      /^quantize: --out .* is the same file as /,
    );
    const calib = join(tmp, 'quantize-same', 'calib.idx3-ubyte');
    copyFileSync(join(fixturePath('fmnist-calib'), 'train-images-idx3-ubyte.gz'), calib);
    expect(await refusal(quantize([model, '--calib', calib, '--out', calib]))).toMatch(
      /^quantize: --out .*calib\.idx3-ubyte is the same file as .*calib\.idx3-ubyte;/,
    );
    expect(sha(model)).toBe(before);
  });

  it('optimize --report MODEL, and --report equal to --out', async () => {
    const model = modelCopy('optimize-same');
    const before = sha(model);
    const recipe = join(tmp, 'optimize-same', 'recipe.json');
    writeFileSync(recipe, JSON.stringify({ version: 1, prune: { ratio: 0.25 } }));
    const common = [model, '--recipe', recipe, '--calib', fixturePath('fmnist-calib')];
    expect(await refusal(optimize([...common, '--report', model]))).toMatch(
      /^optimize: --report .* is the same file as /,
    );
    expect(await refusal(optimize([...common, '--report', recipe]))).toMatch(
      /^optimize: --report .*recipe\.json is the same file as/,
    );
    const out = join(tmp, 'optimize-same', 'out.onnx');
    expect(await refusal(optimize([...common, '--out', out, '--report', out]))).toMatch(
      /^optimize: --report .*out\.onnx is the same file as --out .*out\.onnx;/,
    );
    expect(sha(model)).toBe(before);
  });

  it('an output folder that does not exist is refused before the work, as a write error', async () => {
    const model = modelCopy('no-folder');
    const out = join(tmp, 'no-folder', 'missing', 'out.onnx');
    expect(await refusal(prune([model, '--ratio', '0.3', '--out', out]))).toBe(
      `prune: --out ${out} cannot be written (its folder does not exist).`,
    );
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const dir = join(tmp, 'atomic');
    mkdirSync(dir);
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, [new Uint8Array([1, 2]), new Uint8Array([3])]);
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('a failed write says "cannot be written", keeps what was there and cleans up', async () => {
    const dir = join(tmp, 'atomic-fail');
    mkdirSync(join(dir, 'taken'), { recursive: true });
    writeFileSync(join(dir, 'taken', 'keep.txt'), 'keep');
    await expect(writeFileAtomic(join(dir, 'taken'), 'new')).rejects.toThrow(
      new UserError(`${join(dir, 'taken')} cannot be written (it is a directory).`),
    );
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(dir, 'taken', 'keep.txt'), 'utf8')).toBe('keep');
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    await expect(writeFileAtomic(join(file, 'out.onnx'), 'new')).rejects.toThrow(
      /out\.onnx cannot be written \(its folder is not a directory\)\.$/,
    );
  });
});

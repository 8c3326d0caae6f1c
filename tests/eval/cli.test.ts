import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run as bench } from '../../src/cli/commands/bench';
import { run as evaluate } from '../../src/cli/commands/eval';
import { UserError } from '../../src/cli/errors';
import { main } from '../../src/cli/main';
import { wilsonInterval } from '../../src/core/eval';
import { encodeNpy, FIXTURES } from './helpers';

const model = join(FIXTURES, 'fmnist-resnet8.onnx');
const test = join(FIXTURES, 'fmnist-test');
const ZOO_SPEC = '{"scale":0.00392156862745098,"mean":[0.286],"std":[0.353]}';

function captureLog(): () => string {
  const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  return () => spy.mock.calls.map((c) => c.join(' ')).join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe('whittle eval', () => {
  it('reports accuracy and fidelity as JSON', async () => {
    const output = captureLog();
    const code = await evaluate([
      model,
      '--data',
      test,
      '--preprocess',
      ZOO_SPEC,
      '--ref',
      model,
      '--limit',
      '200',
      '--batch',
      '100',
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(output());
    expect(report.samples).toBe(200);
    expect(report.accuracy.count).toBe(200);
    expect(report.fidelity).toMatchObject({ top1Agreement: 1, sqnrDb: 'Infinity', maxAbsError: 0 });
    // 200 of the 10,000 test images: a subset, with the Wilson interval of its top-1 (and no per-sample hits).
    const hits = Math.round(report.accuracy.top1 * 200);
    expect(report.sampling).toEqual({
      evaluated: 200,
      available: 10_000,
      top1Interval: wilsonInterval(hits, 200),
    });
    expect(report.top1Hits).toBeUndefined();
  });

  it('prints what it assumed when no preprocessing is given', async () => {
    const output = captureLog();
    expect(await evaluate([model, '--data', test, '--limit', '10'])).toBe(0);
    expect(output()).toMatch(/top-1 .* %/);
    expect(output()).toMatch(/Assumed values = pixel \/ 255/);
  });

  it.each([
    [
      ['--data', join(FIXTURES, 'fmnist-test', 't10k-images-idx3-ubyte.gz')],
      /has no labels, masks or boxes; pass --labels for accuracy or --ref/,
    ],
    [['--data', test, '--backend', 'cuda'], /--backend must be wasm or native/],
    [['--data', test, '--batch', '0'], /--batch must be a positive integer/],
    [['--data', test, '--preprocess', 'bogus'], /Unknown preprocessing "bogus"/],
    [['--data', model], /holds no images/],
    [[], /--data is required/],
  ])('refuses %j with one sentence', async (args, message) => {
    const error = await evaluate([model, ...args]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('whittle eval with labels outside the model classes', () => {
  const images = join(test, 't10k-images-idx3-ubyte.gz');
  const realLabels = gunzipSync(readFileSync(join(test, 't10k-labels-idx1-ubyte.gz')));

  /** The fixture's own IDX labels with `edit` applied to the label bytes (one per sample). */
  function withLabels(edit: (labels: Uint8Array) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-labels-'));
    const bytes = realLabels.slice();
    edit(bytes.subarray(8));
    const path = join(dir, 'labels.idx');
    writeFileSync(path, bytes);
    return path;
  }

  it('refuses labels that are all 99 for a 10-class model instead of scoring them', async () => {
    const labels = withLabels((l) => l.fill(99));
    try {
      const error = await evaluate([model, '--data', images, '--labels', labels, '--limit', '64']).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(
        /Label 99 of sample 0 .* outside the model's 10 classes \(0–9\)/,
      );
    } finally {
      rmSync(dirname(labels), { recursive: true, force: true });
    }
  });

  it('names the first bad sample in a later batch, one past the last class', async () => {
    const labels = withLabels((l) => (l[70] = 10));
    try {
      const error = await evaluate([
        model,
        '--data',
        images,
        '--labels',
        labels,
        '--limit',
        '100',
        '--batch',
        '32',
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(/Label 10 of sample 70 /);
    } finally {
      rmSync(dirname(labels), { recursive: true, force: true });
    }
  });
});

describe('whittle eval on dataset headers that lie', () => {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-headers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const idx = new Uint8Array(16);
  new DataView(idx.buffer).setUint32(0, 0x803);
  new DataView(idx.buffer).setUint32(4, 4e9);

  it.each([
    ['empty-idx3-ubyte', idx, /IDX dims \[4000000000, 0, 0\]/],
    ['abc.npy', encodeNpy('<f4', ['abc', 1, 28, 28], new Float32Array(784)), /shape \(abc, 1, 28, 28\)/],
    ['negative.npy', encodeNpy('<f4', [-3, 1, 28, 28], new Float32Array(784)), /shape \(-3, 1, 28, 28\)/],
  ])('%s exits 2 with one sentence', async (name, bytes, message) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['eval', model, '--data', path, '--ref', model])).toBe(2);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0][0])).toMatch(message);
  });
});

describe('whittle bench', () => {
  it('compares models and prints the ratio', async () => {
    const output = captureLog();
    const other = join(FIXTURES, 'fmnist-mobilenetv2.onnx');
    expect(await bench([model, other, '--runs', '3', '--warmup', '1', '--batch', '2'])).toBe(0);
    expect(output()).toMatch(/fmnist-mobilenetv2.onnx \/ fmnist-resnet8.onnx: ×\d+\.\d{3}/);
  });

  it('refuses webgpu where there is none', async () => {
    const error = await bench([model, '--backend', 'webgpu']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/WebGPU is not available/);
  });
});

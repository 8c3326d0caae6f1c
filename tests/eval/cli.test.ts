import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as bench } from '../../src/cli/commands/bench';
import { run as evaluate } from '../../src/cli/commands/eval';
import { UserError } from '../../src/cli/errors';
import { FIXTURES } from './helpers';

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

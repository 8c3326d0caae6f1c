import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { externalWeightData, externalWeightModel } from './external-model';
import { fixturePath, runCli } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeTmp(name: string, data: Uint8Array | string): string {
  const path = join(tmp, name);
  writeFileSync(path, data);
  return path;
}

function inspectJson(path: string, ...extra: string[]) {
  const result = runCli('inspect', path, '--json', ...extra);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** A bad-input run: exit 2, exactly one line on stderr, and no stack frame anywhere. */
function expectOneSentence(args: string[], pattern: RegExp) {
  const result = runCli(...args);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^whittle: .+\.$/);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
}

const fmnistInput = { name: 'input', dtype: 'float32', shape: ['batch', 1, 28, 28] };
const fmnistOutput = { name: 'logits', dtype: 'float32', shape: ['batch', 10] };

describe('whittle inspect --json on the zoo models', () => {
  it.each([
    ['fmnist-resnet8.onnx', 315_023, 77_418, 9_345_920, { Conv: 9, Relu: 7, Add: 3, Gemm: 1 }],
    ['fmnist-resnet8-bn.onnx', 322_876, 78_330, 9_345_920, { Conv: 9, BatchNormalization: 9, Identity: 2 }],
    ['fmnist-mobilenetv2.onnx', 362_555, 84_682, 6_597_856, { Conv: 22, Clip: 15, Constant: 30, Add: 4 }],
    ['fmnist-mobilenetv2-bn.onnx', 399_762, 90_538, 6_597_856, { Conv: 22, Clip: 15, Add: 4 }],
  ])('%s', (file, fileBytes, parameters, macs, ops) => {
    const summary = inspectJson(fixturePath(file));
    expect(summary).toMatchObject({
      irVersion: 7,
      opsets: [{ domain: '', version: 13 }],
      inputs: [fmnistInput],
      outputs: [fmnistOutput],
      parameters,
      macs,
      fileBytes,
    });
    const histogram = Object.fromEntries(
      summary.opHistogram.map((e: { op: string; count: number }) => [e.op, e.count]),
    );
    expect(histogram).toMatchObject(ops);
    const total = summary.opHistogram.reduce((sum: number, e: { count: number }) => sum + e.count, 0);
    expect(summary.nodeCount).toBe(total);
  });

  it('counts the fused ResNet-8 graph exactly', () => {
    const summary = inspectJson(fixturePath('fmnist-resnet8.onnx'));
    expect(summary.nodeCount).toBe(22);
    expect(summary.opHistogram).toHaveLength(6);
  });
});

describe('whittle inspect, human output', () => {
  it('prints a table with the figures', () => {
    const result = runCli('inspect', fixturePath('fmnist-resnet8.onnx'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^IR version\s+7$/m);
    expect(result.stdout).toMatch(/^Opsets\s+ai\.onnx 13$/m);
    expect(result.stdout).toMatch(/^Inputs\s+input\s+float32 \[batch, 1, 28, 28\]$/m);
    expect(result.stdout).toMatch(/^Nodes\s+22$/m);
    expect(result.stdout).toMatch(/^Parameters\s+77,418$/m);
    expect(result.stdout).toMatch(/^MACs\s+9,345,920 /m);
    expect(result.stdout).toMatch(/fmnist-resnet8\.onnx \(315,023 bytes\)/);
    expect(result.stdout).toMatch(/^\s+Conv\s+9$/m);
  });

  it('lists its commands with --help', () => {
    const result = runCli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/inspect/);
  });
});

describe('whittle inspect with external data', () => {
  const dir = join(tmp, 'external');
  mkdirSync(join(dir, 'weights'), { recursive: true });
  const model = join(dir, 'gemm.onnx');
  writeFileSync(model, externalWeightModel('weights.bin'));
  writeFileSync(join(dir, 'weights', 'weights.bin'), externalWeightData());

  it('reads the weights from --data-dir', () => {
    const summary = inspectJson(model, '--data-dir', join(dir, 'weights'));
    expect(summary).toMatchObject({ parameters: 12, macs: 12, nodeCount: 1, initializerBytes: 48 });
  });

  it('exits 2 naming the file when the external data is missing', () => {
    expectOneSentence(
      ['inspect', model],
      /External data file 'weights\.bin' for tensor 'W' was not supplied/,
    );
  });
});

describe('whittle inspect on bad input: exit 2, one sentence, no stack trace', () => {
  const resnet = readFileSync(fixturePath('fmnist-resnet8.onnx'));

  it('a file that is not ONNX', () => {
    const path = writeTmp('notes.onnx', 'These are notes, not a model.\n'.repeat(20));
    expectOneSentence(['inspect', path], /./);
  });

  it('a truncated model', () => {
    const path = writeTmp('truncated.onnx', resnet.subarray(0, Math.floor(resnet.length / 2)));
    expectOneSentence(['inspect', path], /truncated/i);
  });

  it('a corrupt model', () => {
    const corrupt = new Uint8Array(resnet);
    corrupt[2] = (2 << 3) | 7; // producer_name's tag, now with wire type 7, which protobuf does not define
    const path = writeTmp('corrupt.onnx', corrupt);
    expectOneSentence(['inspect', path], /corrupt/i);
  });

  it('a path that does not exist', () => {
    expectOneSentence(['inspect', join(tmp, 'nope.onnx')], /does not exist/);
  });

  it('an unknown option', () => {
    expectOneSentence(['inspect', fixturePath('fmnist-resnet8.onnx'), '--jsn'], /inspect: .*--jsn/);
  });

  it('an unknown command', () => {
    expectOneSentence(['frobnicate'], /unknown command "frobnicate"/);
  });
});

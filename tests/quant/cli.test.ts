import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as quantize } from '../../src/cli/commands/quantize';
import { UserError } from '../../src/cli/errors';
import { FIXTURES } from './helpers';

const SPEC = '{"scale":0.00392156862745098,"mean":[0.286],"std":[0.353]}';
afterEach(() => vi.restoreAllMocks());

describe('whittle quantize', () => {
  it('writes the INT8 model and reports sizes and fusion as JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'whittle-q-')), 'r8.int8.onnx');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await quantize([
      join(FIXTURES, 'fmnist-resnet8-bn.onnx'),
      '--calib',
      join(FIXTURES, 'fmnist-calib'),
      '--preprocess',
      SPEC,
      '--samples',
      '200',
      '--method',
      'percentile',
      '--memory-budget',
      '256M',
      '--out',
      out,
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(log.mock.calls.map((c) => c.join(' ')).join('\n'));
    expect(report.samples).toBe(200);
    expect(report.prepare.batchNormsFolded).toBe(9);
    expect(report.fusion.fullyFused).toBe(true);
    expect(report.bytes.int8).toBe(readFileSync(out).length);
    expect(report.bytes.ratio).toBeGreaterThan(3);
    // Memory is measured: the process's peak resident size, and the activation buffers calibration held.
    expect(report.memory.peakRssBytes).toBeGreaterThan(report.memory.peakTrackedBytes);
    expect(report.memory.peakTrackedBytes).toBeGreaterThan(0);
    expect(report.calibrationPlan.estimatedBytes).toBeLessThanOrEqual(256 * 1024 ** 2);
  });

  it('refuses unknown methods and missing calibration data in one sentence', async () => {
    await expect(quantize([join(FIXTURES, 'fmnist-resnet8.onnx')])).rejects.toThrow(UserError);
    await expect(quantize([join(FIXTURES, 'fmnist-resnet8.onnx')])).rejects.toThrow(
      'quantize: --calib is required; see `whittle quantize --help`.',
    );
    await expect(
      quantize([join(FIXTURES, 'fmnist-resnet8.onnx'), '--calib', FIXTURES, '--method', 'kl']),
    ).rejects.toThrow(/--method must be one of/);
    await expect(
      quantize([join(FIXTURES, 'fmnist-resnet8.onnx'), '--calib', FIXTURES, '--memory-budget', 'lots']),
    ).rejects.toThrow(/--memory-budget must be a size of at least 64M/);
    await expect(
      quantize([
        join(FIXTURES, 'fmnist-resnet8.onnx'),
        '--calib',
        join(FIXTURES, 'fmnist-calib'),
        '--exclude',
        'nope',
        '--preprocess',
        SPEC,
      ]),
    ).rejects.toThrow(/No node named 'nope'/);
  });
});

describe('whittle quantize on a detector', () => {
  it('says which nodes it kept float for box decoding, without being asked', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'whittle-q-')), 'det.int8.onnx');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const tasks = join(FIXTURES, 'tasks');
    const args = [join(tasks, 'det-yolo.onnx'), '--calib', join(tasks, 'calib.npz')];
    expect(await quantize([...args, '--preprocess', '{"scale":0.00392156862745098}', '--out', out])).toBe(0);
    const text = String(log.mock.calls[0][0]);
    expect(text).toMatch(/box decoding: kept float \(output 'output'\): 14 nodes \(.*\/Exp.*\)/);
    expect(await quantize([...args, '--out', out, '--json'])).toBe(0);
    const report = JSON.parse(String(log.mock.calls[1][0]));
    expect(Object.keys(report.keptFloat)).toHaveLength(14);
    expect(report.excluded).toEqual([]);
  });
});

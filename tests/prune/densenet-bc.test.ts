/**
 * Data-aware pruning of a DenseNet-BC-style model: the capture graph that exposes inner tensors for
 * the reconstruction criterion and least-squares recovery must load in onnxruntime. With onnxruntime's
 * graph rewrites on, its Pad + AveragePool fusion of a transition dropped the Conv → pool edge and
 * Identity elimination renamed the exposed Conv output away ("Node input '/transition0/Conv_output_0'
 * is not a graph input, initializer, or output of a previous node", exit 1).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as prune } from '../../src/cli/commands/prune';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { calibrationFromFeeds, capture } from '../../src/core/prune';
import { encodeNpy } from '../eval/helpers';
import { denseNetBC } from './densenet-bc';
import { nativeRuntime, randomFeed, relativeError, runGraph } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'whittle-densenet-'));
const model = join(dir, 'densenet-bc.onnx');
const bytes = denseNetBC();
writeFileSync(model, bytes);
const calib = join(dir, 'calib.npy');
writeFileSync(calib, encodeNpy('<f4', [24, 3, 16, 16], randomFeed('input', [24, 3, 16, 16], 7).input.data));
afterEach(() => vi.restoreAllMocks());

describe('DenseNet-BC-style model (transitions Conv → Pad → AveragePool)', () => {
  it('capture exposes a transition conv output, and logits equal to a plain run', async () => {
    const graph = importModel(decodeModel(bytes));
    const feed = randomFeed('input', [2, 3, 16, 16], 1);
    const name = '/transition0/Conv_output_0';
    const batches = [];
    for await (const b of capture(
      await nativeRuntime(),
      graph,
      [name, 'logits'],
      calibrationFromFeeds([feed]),
    ))
      batches.push(b);
    expect(batches).toHaveLength(1);
    expect(batches[0].values[name].dims).toEqual([2, 10, 16, 16]);
    const logits = batches[0].values.logits.data as Float32Array;
    expect(relativeError(await runGraph(graph, feed), logits)).toBeLessThanOrEqual(1e-6);
  });

  it('prune --criterion reconstruction --recover compensate,lsq writes a smaller model that runs', async () => {
    const out = join(dir, 'pruned.onnx');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await prune([
      model,
      '--ratio',
      '0.3',
      '--criterion',
      'reconstruction',
      '--recover',
      'compensate,lsq',
      '--calib',
      calib,
      '--backend',
      'native',
      '--json',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(log.mock.calls.map((c) => c.join(' ')).join('\n'));
    expect(report.plan.criterion).toBe('reconstruction');
    expect(report.plan.prunedChannels).toBeGreaterThan(0);
    expect(report.after.parameters).toBeLessThan(report.before.parameters);
    const pruned = importModel(decodeModel(new Uint8Array(readFileSync(out))));
    const logits = await runGraph(pruned, randomFeed('input', [2, 3, 16, 16], 2));
    expect(logits).toHaveLength(20);
    expect(logits.every(Number.isFinite)).toBe(true);
  });
});

/**
 * Fidelity covers every output, each named (issue 14: `eval --ref` on a two-output model compared only
 * the first output). Two generated models share the first head bit for bit and differ in the second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as evaluate } from '../../src/cli/commands/eval';
import { createOrtRuntime, evaluateModel, npyDataset, type InferenceRuntime } from '../../src/core/eval';
import { ModelBuilder, seededRandom } from '../helpers/model-builder';
import { encodeNpy } from './helpers';

const SAMPLES = 24;

/** x [N,8] → `first` = x·A, `second` = x·B (+ delta on B[0,0] when perturbed). */
function twoHeads(delta: number): Uint8Array {
  const b = new ModelBuilder({ seed: 7 });
  const a = Array.from({ length: 8 * 3 }, seededRandom(1));
  const w = Array.from({ length: 8 * 5 }, seededRandom(2));
  w[0] += delta;
  return b
    .input('x', 'float32', ['N', 8])
    .initializer('A', [8, 3], a)
    .initializer('B', [8, 5], w)
    .node('MatMul', ['x', 'A'], ['first'])
    .node('MatMul', ['x', 'B'], ['second'])
    .output('first', 'float32', ['N', 3])
    .output('second', 'float32', ['N', 5])
    .build().bytes;
}

const inputs = Float32Array.from({ length: SAMPLES * 8 }, seededRandom(3));
const dataset = () =>
  npyDataset({ path: 'x.npy', array: { dtype: 'f4', shape: [SAMPLES, 8], data: inputs } });

describe('fidelity of a two-output model', () => {
  let runtime: InferenceRuntime;
  beforeAll(async () => {
    runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
  });
  afterEach(() => vi.restoreAllMocks());

  it('names each output and finds the difference in the second alone', async () => {
    const reference = await runtime.createSession(twoHeads(0));
    const test = await runtime.createSession(twoHeads(0.5));
    const { fidelity } = await evaluateModel(test, dataset(), { reference, batchSize: 10 });
    expect(fidelity?.outputs.map((o) => o.output)).toEqual(['first', 'second']);
    const [first, second] = fidelity!.outputs;
    expect(first).toMatchObject({ sqnrDb: Infinity, maxAbsError: 0, count: SAMPLES, top1Agreement: 1 });
    // second[n, 0] moves by exactly 0.5·x[n, 0]: the largest |x[n,0]| times 0.5, in float32.
    const largest = Math.max(...Array.from({ length: SAMPLES }, (_, n) => Math.abs(inputs[n * 8])));
    expect(second.maxAbsError).toBeCloseTo(0.5 * largest, 5);
    expect(second.sqnrDb).toBeLessThan(40);
    // The summary is the worst output, not the first.
    expect(fidelity?.sqnrDb).toBe(second.sqnrDb);
    expect(fidelity?.maxAbsError).toBe(second.maxAbsError);
  });

  it('eval --ref --json reports both outputs by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-two-heads-'));
    writeFileSync(join(dir, 'ref.onnx'), twoHeads(0));
    writeFileSync(join(dir, 'test.onnx'), twoHeads(0.5));
    writeFileSync(join(dir, 'x.npy'), encodeNpy('<f4', [SAMPLES, 8], inputs));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await evaluate([
      join(dir, 'test.onnx'),
      '--data',
      join(dir, 'x.npy'),
      '--ref',
      join(dir, 'ref.onnx'),
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(String(log.mock.calls[0][0]));
    const byName = Object.fromEntries(
      (report.fidelity.outputs as { output: string; sqnrDb: number | string }[]).map((o) => [o.output, o]),
    );
    expect(Object.keys(byName)).toEqual(['first', 'second']);
    expect(byName.first.sqnrDb).toBe('Infinity');
    expect(typeof byName.second.sqnrDb).toBe('number');
    expect(report.fidelity.sqnrDb).toBe(byName.second.sqnrDb);
  });
});

// `whittle finetune`: a real run on the fixture slice writes a model onnxruntime loads; bad input is
// one sentence and exit code 2.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { fixturePath, runCli } from '../cli/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'whittle-finetune-'));
const teacher = fixturePath('fmnist-resnet8.onnx');
const slice = fixturePath('fmnist-train-slice');

/** Prunes the teacher by half into `studentName`, then fine-tunes it 1 epoch on 64 slice images into `out`. */
function finetuneSlice(studentName: string, out: string, ...extra: string[]) {
  const student = join(dir, studentName);
  expect(runCli('prune', teacher, '--ratio', '0.5', '--out', student).code).toBe(0);
  const args = ['--train', slice, '--samples', '64', '--epochs', '1', '--batch', '32', '--out', out];
  return runCli('finetune', teacher, student, ...args, ...extra);
}

describe('whittle finetune', () => {
  test('distils a pruned student on the training slice (BatchNorm by batch statistics) and writes a model onnxruntime runs', async () => {
    const out = join(dir, 'tuned.onnx');
    const r = finetuneSlice('pruned.onnx', out, '--batch-norm', 'batch');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/epoch 1: loss \d+\.\d+, held-out top-1 \d+\.\d+ %/);
    const session = await (
      await createOrtRuntime({ backend: 'wasm', threads: 1 })
    ).createSession(new Uint8Array(readFileSync(out)));
    const y = await session.run({
      input: { type: 'float32', data: new Float32Array(2 * 784), dims: [2, 1, 28, 28] },
    });
    expect(y.logits.dims).toEqual([2, 10]);
    await session.release();
  }, 120_000);

  test('--qat trains the INT8 plan after the float epochs and writes the QDQ model onnxruntime runs', async () => {
    const out = join(dir, 'tuned-int8.onnx');
    const r = finetuneSlice('pruned-qat.onnx', out, '--qat', '--calib', fixturePath('fmnist-calib'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nQAT epoch 1: loss \d+\.\d+, held-out top-1 \d+\.\d+ %/);
    const bytes = new Uint8Array(readFileSync(out));
    const ops = new Set(
      importModel(decodeModel(bytes))
        .nodes()
        .map((n) => n.opType),
    );
    expect(ops).toContain('QuantizeLinear');
    expect(ops).toContain('DequantizeLinear');
    const session = await (await createOrtRuntime({ backend: 'wasm', threads: 1 })).createSession(bytes);
    const y = await session.run({
      input: { type: 'float32', data: new Float32Array(2 * 784).fill(0.5), dims: [2, 1, 28, 28] },
    });
    expect(y.logits.dims).toEqual([2, 10]);
    expect([...(y.logits.data as Float32Array)].every(Number.isFinite)).toBe(true);
    await session.release();
  }, 180_000);

  test.each([
    [
      ['finetune', teacher, teacher, '--train', slice, '--out', join(dir, 'x.onnx'), '--qat'],
      /finetune: --qat needs --calib DATA/,
    ],
    [
      ['finetune', teacher, teacher, '--train', slice, '--out', join(dir, 'x.onnx'), '--calib', slice],
      /finetune: --calib, --qat-epochs and --qat-lr only apply with --qat/,
    ],
    [['finetune', teacher, teacher, '--out', join(dir, 'x.onnx')], /finetune: --train is required/],
    [
      ['finetune', teacher, teacher, '--train', slice, '--out', join(dir, 'x.onnx'), '--optimizer', 'lion'],
      /finetune: Invalid recipe: finetune\.optimizer/,
    ],
    [
      [
        'finetune',
        teacher,
        teacher,
        '--train',
        slice,
        '--out',
        join(dir, 'x.onnx'),
        '--batch-norm',
        'always',
      ],
      /finetune: Invalid recipe: finetune\.batchNorm/,
    ],
    [
      ['finetune', teacher, '--train', slice, '--out', join(dir, 'x.onnx')],
      /expected TEACHER\.onnx and STUDENT\.onnx/,
    ],
    [['finetune', teacher, teacher, '--train', 'no/such/dir', '--out', join(dir, 'x.onnx')], /no\/such\/dir/],
    // Refused before any work, so the input is never overwritten.
    [
      ['finetune', teacher, teacher, '--train', slice, '--out', teacher],
      /finetune: --out .* is the same file as/,
    ],
  ])('bad input %# is one sentence, exit 2', (args, message) => {
    const r = runCli(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

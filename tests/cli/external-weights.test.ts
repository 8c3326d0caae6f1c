/**
 * Models with external data through every command that reads or writes one: the output's weights are written beside it
 * (`OUT.onnx.data`) or inline, never left pointing at the input's data file, and onnxruntime loads the
 * result from its own folder. The input is a zoo model moved to external data by the codec; the outputs
 * are judged by onnxruntime-node, which reads the external file itself.
 */
import * as ort from 'onnxruntime-node';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as evaluate } from '../../src/cli/commands/eval';
import { run as optimize } from '../../src/cli/commands/optimize';
import { run as prune } from '../../src/cli/commands/prune';
import { run as quantize } from '../../src/cli/commands/quantize';
import { decodeModel, encodeModel, layoutExternalData } from '../../src/core/onnx';
import { fixturePath } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-external-weights-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const source = join(tmp, 'in', 'model.onnx');
const weights = join(tmp, 'in', 'weights.bin');
const outDir = join(tmp, 'out');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let inputHashes: string[] = [];

beforeAll(() => {
  mkdirSync(join(tmp, 'in'));
  mkdirSync(outDir);
  const model = decodeModel(new Uint8Array(readFileSync(fixturePath('fmnist-resnet8.onnx'))));
  const layout = layoutExternalData(model, 'weights.bin');
  writeFileSync(weights, Buffer.concat(layout.parts));
  writeFileSync(source, encodeModel(layout.model));
  inputHashes = [sha(source), sha(weights)];
  expect(readFileSync(source).length).toBeLessThan(20_000); // the weights really are outside
});

async function quiet(action: Promise<number>): Promise<number> {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return await action;
  } finally {
    vi.restoreAllMocks();
  }
}

/** Logits of the model at `path` (loaded by path, so onnxruntime resolves external data itself). */
async function logits(path: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path);
  const x = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i) * 0.5);
  const y = await session.run({ input: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
  return y.logits.data as Float32Array;
}

describe('prune, quantize and optimize on a model with external data', () => {
  it('prune into another folder writes OUT.onnx.data beside it, equal to pruning the inline model', async () => {
    const out = join(outDir, 'pruned.onnx');
    expect(await quiet(prune([source, '--ratio', '0.3', '--out', out]))).toBe(0);
    expect(existsSync(`${out}.data`)).toBe(true);
    expect(readFileSync(out, 'latin1')).not.toContain('weights.bin');
    const inline = join(outDir, 'pruned-from-inline.onnx');
    expect(await quiet(prune([fixturePath('fmnist-resnet8.onnx'), '--ratio', '0.3', '--out', inline]))).toBe(
      0,
    );
    expect(existsSync(`${inline}.data`)).toBe(false);
    expect(Array.from(await logits(out))).toEqual(Array.from(await logits(inline)));
  }, 120_000);

  it('prune --weights inline writes one self-contained file', async () => {
    const out = join(outDir, 'pruned-inline.onnx');
    expect(await quiet(prune([source, '--ratio', '0.3', '--weights', 'inline', '--out', out]))).toBe(0);
    expect(existsSync(`${out}.data`)).toBe(false);
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(out)));
    expect(session.outputNames).toEqual(['logits']);
  }, 120_000);

  it('quantize accepts it and writes a loadable INT8 model with its data beside it', async () => {
    const out = join(outDir, 'int8.onnx');
    const args = [source, '--calib', fixturePath('fmnist-calib'), '--samples', '64', '--out', out];
    expect(await quiet(quantize(args))).toBe(0);
    expect(existsSync(`${out}.data`)).toBe(true);
    const [a, b] = [await logits(out), await logits(fixturePath('fmnist-resnet8.onnx'))];
    expect(a.indexOf(Math.max(...a))).toBe(b.indexOf(Math.max(...b)));
  }, 120_000);

  it('optimize accepts it', async () => {
    const recipe = join(tmp, 'recipe.json');
    writeFileSync(
      recipe,
      JSON.stringify({
        version: 1,
        prune: { ratio: 0.25 },
        data: { preprocess: { scale: 1 / 255 }, calibrationSamples: 64, evalLimit: 64, batchSize: 64 },
        evaluate: { runs: 1, warmup: 0 },
      }),
    );
    const out = join(outDir, 'optimized.onnx');
    const args = [source, '--recipe', recipe, '--calib', fixturePath('fmnist-calib'), '--out', out];
    expect(await quiet(optimize(args))).toBe(0);
    expect((await logits(out)).length).toBe(10);
  }, 300_000);

  it('eval reads it, and it agrees with the inline model on every sample', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const args = ['--data', fixturePath('fmnist-test'), '--limit', '100', '--preprocess', 'unit', '--json'];
    const code = await evaluate([source, '--ref', fixturePath('fmnist-resnet8.onnx'), ...args]);
    const report = JSON.parse(String(log.mock.calls[0][0]));
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(report.fidelity).toMatchObject({ top1Agreement: 1, maxAbsError: 0 });
  });

  it('left the input model and its weights byte-identical', () => {
    expect([sha(source), sha(weights)]).toEqual(inputHashes);
  });
});

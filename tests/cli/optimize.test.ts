import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, runCli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'whittle-optimize-'));
const recipeFile = (name: string, recipe: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(recipe));
  return path;
};

describe('whittle optimize', () => {
  it('runs a recipe end to end and writes the model and the report', async () => {
    const recipe = recipeFile('ok.json', {
      version: 1,
      prune: { ratio: 0.25 },
      data: {
        preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
        calibrationSamples: 100,
        evalLimit: 300,
        batchSize: 100,
      },
      evaluate: { runs: 2, warmup: 1 },
    });
    const out = join(dir, 'out.onnx');
    const report = join(dir, 'report.json');
    const r = runCli(
      'optimize',
      fixturePath('fmnist-resnet8.onnx'),
      '--recipe',
      recipe,
      '--calib',
      fixturePath('fmnist-calib'),
      '--eval',
      fixturePath('fmnist-test'),
      '--out',
      out,
      '--report',
      report,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pruned');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.stages.map((s: { name: string }) => s.name)).toEqual([
      'original',
      'pruned',
      'int8',
      'pruned-int8',
    ]);
    // CPU per phase: the pruned model's making leaves the original's INT8 out of the transform total.
    const cpu = json.cpuTimingsMs;
    expect(cpu.making).toBeGreaterThan(0);
    expect(cpu.making).toBeCloseTo(cpu.transform - cpu.quantize + cpu.quantizePruned, 6);
    expect(cpu.quantizePruned).toBeLessThan(cpu.quantize);
    // Reading the calibration samples is a phase of its own, not part of pruning.
    expect(cpu.read).toBeGreaterThan(0);
    expect(json.timingsMs.read).toBeGreaterThan(0);
    const bytes = readFileSync(out);
    expect(json.stages[3].modelBytes).toBe(bytes.byteLength);
    const session = await ort.InferenceSession.create(bytes);
    const y = await session.run({ input: new ort.Tensor('float32', new Float32Array(784), [1, 1, 28, 28]) });
    expect(y.logits.dims).toEqual([1, 10]);
  }, 120_000);

  it('names the bad fields of an invalid recipe and exits 2', () => {
    const recipe = recipeFile('bad.json', { version: 1, prune: { ratio: 3 }, quantize: { method: 'magic' } });
    const r = runCli(
      'optimize',
      fixturePath('fmnist-resnet8.onnx'),
      '--recipe',
      recipe,
      '--calib',
      fixturePath('fmnist-calib'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prune.ratio');
    expect(r.stderr).toContain('quantize.method');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('    at ');
  });

  it('says which option is missing', () => {
    const r = runCli('optimize', fixturePath('fmnist-resnet8.onnx'), '--calib', fixturePath('fmnist-calib'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--recipe is required');
  });
});

/**
 * Without an evaluation set the stages are measured on calibration samples recovery was not fitted
 * on, when the set has them, and the result says which samples it used (a run on fmnist-resnet8 in
 * onnxruntime-node; the fixture's calibration set holds more samples than the recipe calibrates on).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { parseRecipe, runPipeline } from '../../src/core/pipeline';
import { datasetRange, fidelitySet } from '../../src/core/pipeline/fidelity-set';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const model = new Uint8Array(readFileSync('tests/fixtures/fmnist-resnet8.onnx'));
const recipeOf = (calibrationSamples: number) =>
  parseRecipe({
    version: 1,
    prune: { ratio: 0.3, recover: ['lsq'] },
    quantize: { enabled: false },
    data: { preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] }, calibrationSamples },
    evaluate: { backends: ['native'], runs: 1, warmup: 0 },
  });

describe('the samples that measure the stages without an evaluation set', () => {
  it('a range of a dataset reads the same samples as the dataset at that offset', async () => {
    const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
    const range = datasetRange(calibration, 40, 8);
    expect(range.size).toBe(8);
    expect(Array.from(range.labels ?? [])).toEqual(Array.from(calibration.labels?.subarray(40, 48) ?? []));
    const [a, b] = [await range.read(2, 3), await calibration.read(42, 3)];
    expect(a.map((s) => s.path)).toEqual(b.map((s) => s.path));
    expect((await range.read(6, 10)).length).toBe(2);
  });

  it('are the calibration set’s spare samples when it has them, and the fitted ones (said so) when not', async () => {
    const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
    const spare = fidelitySet({ recipe: recipeOf(32), calibration });
    expect(spare.dataset.size).toBe(32);
    expect(spare.note).toContain('did not use (33–64)');
    const none = fidelitySet({ recipe: recipeOf(calibration.size - 8), calibration });
    expect(none.dataset).toBe(calibration);
    expect(none.note).toContain('fitted on');
    const evaluation = await openDatasetPath('tests/fixtures/fmnist-test');
    expect(fidelitySet({ recipe: recipeOf(32), calibration, evaluation })).toMatchObject({
      dataset: evaluation,
      note: '',
    });
  });

  it('a run measures every stage on the 32 samples after the 32 it calibrated on', async () => {
    const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
    const result = await runPipeline({
      model,
      recipe: recipeOf(32),
      calibration,
      runtime: await createOrtRuntime({ backend: 'native' }),
      kernels: await createWasmBackend(nodeWasmLoader),
    });
    expect(result.measuredOn).toContain(
      '32 calibration-set samples that calibration and recovery did not use',
    );
    for (const s of result.stages.slice(1)) expect(s.result.fidelity?.count, s.name).toBe(32);
  }, 120_000);
});

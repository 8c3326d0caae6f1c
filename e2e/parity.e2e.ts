/**
 * The browser worker against Node on the same inputs (issues 4 and 6):
 * - the same recipe on the same model gives byte-identical models in the worker and in Node (same
 *   onnxruntime-web wasm backend with one thread, same WASM SIMD kernels);
 * - the zoo models' accuracy on all 10,000 fmnist-test images, measured in the worker, is the zoo's
 *   (91.60 % ResNet-8, 91.87 % MobileNetV2) to within 0.1 point.
 * A fresh browser, so the worker's onnxruntime starts with the recipe's single thread.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createOrtRuntime } from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';
import { parseRecipe, runPipeline } from '../src/core/pipeline';
import { createWasmBackend } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';
import { launchBrowser, type BrowserSession } from './browser';
import {
  FMNIST_PREPROCESS,
  downloadBytes,
  runAndWait,
  sha256,
  stageFigures,
  useSampleData,
} from './pipeline-helpers';
import { dropFiles, fixture } from './studio-helpers';

const fixturePath = (p: string) => new URL(`../tests/fixtures/${p}`, import.meta.url).pathname;
const json = (name: string, value: unknown) => ({
  name,
  bytes: new TextEncoder().encode(JSON.stringify(value)),
});

const PARITY_RECIPE = {
  version: 1,
  prune: { ratio: 0.3, recover: ['lsq'] },
  quantize: { enabled: true },
  data: { preprocess: FMNIST_PREPROCESS, calibrationSamples: 64, batchSize: 64 },
  evaluate: { backends: ['wasm'], threads: 1, runs: 1, warmup: 0 },
  compute: { kernels: 'wasm' },
};

const MEASURE_ONLY = {
  version: 1,
  prune: { enabled: false },
  quantize: { enabled: false },
  data: { preprocess: FMNIST_PREPROCESS, batchSize: 100 },
  evaluate: { backends: ['wasm'], threads: 1, runs: 1, warmup: 0 },
};

describe('browser worker and Node agree', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByText('fmnist-resnet8.onnx', { exact: true }).first().waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('the same recipe gives byte-identical stage models in the worker and in Node (issue 6)', async () => {
    await dropFiles(page, 'main', [json('parity.recipe.json', PARITY_RECIPE)]);
    await useSampleData(page, 'calibration', '1,000');
    await runAndWait(page, 1);
    expect(await page.getByTestId('run-runtime').innerText()).toMatch(/wasm, 1 thread/);
    expect(await page.getByTestId('run-kernels').innerText()).toBe('WASM SIMD');
    const stages = await page
      .getByTestId('stage-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')!));
    const browser: Record<string, string> = {};
    for (const stage of stages) {
      const row = page.locator(`[data-testid=stage-row][data-stage="${stage}"]`);
      browser[stage] = sha256(
        (await downloadBytes(page, () => row.getByTestId('download-stage').click())).bytes,
      );
    }

    const result = await runPipeline({
      model: new Uint8Array(fixture('fmnist-resnet8.onnx')),
      recipe: parseRecipe(PARITY_RECIPE),
      calibration: await openDatasetPath(fixturePath('fmnist-calib')),
      runtime: await createOrtRuntime({ backend: 'wasm', threads: 1 }),
      kernels: await createWasmBackend(nodeWasmLoader),
    });
    const node = Object.fromEntries(result.stages.map((s) => [s.name, sha256(s.bytes)]));
    console.log('stage SHA-256, browser worker vs Node:');
    for (const s of stages)
      console.log(`  ${s.padEnd(12)} ${browser[s].slice(0, 16)} ${node[s]?.slice(0, 16)}`);
    expect(stages).toEqual(['original', 'pruned', 'recovered', 'int8', 'pruned-int8']);
    expect(browser).toEqual(node);
  });

  it('the zoo models score the zoo accuracy on all 10,000 test images in the worker (issue 4)', async () => {
    await useSampleData(page, 'evaluation', '10,000');
    await dropFiles(page, 'main', [json('measure.recipe.json', MEASURE_ONLY)]);
    await expect.poll(() => page.getByTestId('eval-limit').inputValue(), { timeout: 10_000 }).toBe('');
    const measured: Record<string, number> = {};
    const expected = { 'fmnist-resnet8.onnx': 0.916, 'fmnist-mobilenetv2.onnx': 0.9187 };
    let runs = 1;
    for (const model of Object.keys(expected)) {
      if (model !== 'fmnist-resnet8.onnx') {
        await page.getByTestId('sample-select').selectOption(model);
        await expect
          .poll(() => page.getByTestId('current-file').innerText(), { timeout: 60_000 })
          .toBe(model);
      }
      await runAndWait(page, ++runs);
      const figures = await stageFigures(page, 'original');
      const count = await page.getByTestId('run-facts').innerText();
      expect(count).toContain('10,000 samples');
      measured[model] = figures.metric;
    }
    console.log('worker accuracy on fmnist-test (10,000):', JSON.stringify(measured));
    for (const [model, want] of Object.entries(expected))
      expect(Math.abs(measured[model] - want)).toBeLessThanOrEqual(0.001);
    await session.screenshot('parity-zoo-accuracy');
  });

  it('made no request beyond 127.0.0.1', () => {
    expect(session.foreignRequests()).toEqual([]);
  });
});

/**
 * The pipeline in Chromium: the built-in ResNet-8 with the built-in data runs through prune, recover
 * and INT8 in the worker; the chart and table appear; the exported final model is loaded in
 * onnxruntime in this process and must match the table's size, MACs, parameters and accuracy on the
 * same 1,000 images. Also: a dropped recipe re-applies its settings (a bad one names its fields), a
 * corrupt model keeps the open one, a crashed worker is replaced with the settings kept, nothing
 * leaves 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createOrtRuntime, evaluateModel, type Dataset, type InferenceRuntime } from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';
import { costModel, importModel } from '../src/core/graph';
import { decodeModel, OnnxFormatError } from '../src/core/onnx';
import { launchBrowser, screenshotDir, type BrowserSession } from './browser';
import {
  FMNIST_PREPROCESS,
  downloadBytes,
  qdqWeightCount,
  runAndWait,
  runError,
  stageFigures,
  useSampleData,
} from './pipeline-helpers';
import { dropFiles, fixture } from './studio-helpers';

const MODEL = 'fmnist-resnet8.onnx';
const fixturePath = (p: string) => new URL(`../tests/fixtures/${p}`, import.meta.url).pathname;

let test1000: Dataset;
async function nodeAccuracy(runtime: InferenceRuntime, bytes: Uint8Array, limit: number) {
  const session = await runtime.createSession(bytes);
  try {
    const r = await evaluateModel(session, test1000, {
      preprocess: FMNIST_PREPROCESS,
      limit,
      batchSize: 100,
    });
    return r.accuracy!.top1;
  } finally {
    await session.release();
  }
}

describe('pipeline', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    test1000 = await openDatasetPath(fixturePath('fmnist-test'));
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByText(MODEL, { exact: true }).first().waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('runs prune → recover → INT8 on the sample and charts every stage', async () => {
    await useSampleData(page, 'calibration', '1,000');
    await useSampleData(page, 'evaluation', '10,000');
    await page.getByTestId('ratio-slider').fill('0.25');
    await page.getByLabel('Least-squares reconstruction of the next layer').check();
    await page.getByTestId('eval-limit').fill('1000');
    await page.getByTestId('bench-runs').fill('5');
    const started = Date.now();
    await page.getByTestId('run-pipeline').click();
    await page.getByTestId('run-progress').waitFor({ timeout: 10_000 });
    await session.screenshot('pipeline-running');
    // While it runs: the active phase's units done of its total, part way, and later its time left.
    const seen = { within: '', eta: '' };
    const text = async (id: string) =>
      page
        .getByTestId(id)
        .innerText({ timeout: 100 })
        .catch(() => '');
    const watch = async () => {
      const detail = await text('phase-detail');
      const percent = Number(/, (\d+) %/.exec(detail)?.[1] ?? 0);
      if (!seen.within && percent > 0 && percent < 100) seen.within = detail;
      seen.eta ||= await text('run-eta');
    };
    try {
      await expect
        .poll(
          async () => {
            await watch();
            return (await runError(page)) || page.getByTestId('run-item').count();
          },
          { timeout: 420_000, interval: 250 },
        )
        .toBe(1);
    } finally {
      console.log(`seen while running: "${seen.within}" and "${seen.eta}"`);
    }
    console.log(`pipeline run in the browser: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(seen.within).toMatch(/^[A-Z][a-z-]+: [\d,.]+ of [\d,]+ [a-z]+, \d+ %( · about .+ left)?$/);
    expect(seen.eta).toMatch(/about \d+ (s|min) left/);
    await page.getByTestId('accuracy-chart').locator('.recharts-scatter-symbol').first().waitFor();
    const stages = await page
      .getByTestId('stage-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')));
    expect(stages).toEqual(['original', 'pruned', 'recovered', 'int8', 'pruned-int8']);
    const backends = await page.getByTestId('stage-table').locator('thead th').allInnerTexts();
    const symbols = await page.getByTestId('accuracy-chart').locator('.recharts-scatter-symbol').count();
    expect(symbols).toBe(stages.length * backends.filter((h) => /^latency/i.test(h)).length);
    console.log(
      'runtime:',
      await page.getByTestId('run-runtime').innerText(),
      '| kernels:',
      await page.getByTestId('run-kernels').innerText(),
    );
    for (const s of stages) console.log(s, JSON.stringify(await stageFigures(page, s!)));
    // 1,000 of the 10,000 test images: the table, its rows and the chart say so, with 95 % intervals.
    expect(await page.getByTestId('stage-sampling').innerText()).toMatch(
      /^Evaluated on 1,000 of 10,000 samples \(a subset: 95 % intervals shown, Wilson for top-1 and paired \(Bonett–Price\) for the drop\)\.$/,
    );
    const original = page.locator('[data-testid=stage-row][data-stage=original]');
    expect(await original.getByTestId('stage-interval').innerText()).toMatch(/^95 %: \d+\.\d–\d+\.\d %$/);
    // Every stage has its accuracy interval; every stage but the original its paired drop interval.
    expect(await page.getByTestId('stage-interval').count()).toBe(2 * stages.length - 1);
    expect(await page.getByTestId('chart-sampling').innerText()).toContain('1,000 of 10,000 samples');
    expect(await page.getByTestId('accuracy-chart').locator('.recharts-errorBar').count()).toBeGreaterThan(0);
    await session.screenshot('pipeline-results');
  }, 480_000); // a loaded CI machine: the run alone has taken 237 s

  it('exports the final model: it runs in onnxruntime and matches the table', async () => {
    const final = await stageFigures(page, 'pruned-int8');
    const original = await stageFigures(page, 'original');
    const { name, bytes } = await downloadBytes(page, () => page.getByTestId('download-final').click());
    expect(name).toBe('fmnist-resnet8.pruned-int8.onnx');
    expect(bytes.byteLength).toBe(final.bytes);
    expect(final.bytes).toBeLessThan(original.bytes / 3);
    // The INT8 model's MACs are its convolutions' and Gemm's, as in the float model it came from.
    const cost = costModel(importModel(decodeModel(bytes)));
    console.log(
      'downloaded final: macs',
      cost.macs,
      'params',
      cost.parameters,
      'table',
      final.macs,
      final.params,
    );
    expect(cost.macs).toBe(final.macs);
    expect(qdqWeightCount(decodeModel(bytes))).toBe(final.params);
    expect(final.macs).toBeLessThan(original.macs);
    // Accuracy on the same 1,000 images: onnxruntime-web's wasm in Node (the worker's runtime) exactly,
    // onnxruntime-node's native kernels within two images.
    const wasm = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    const native = await createOrtRuntime({ backend: 'native', threads: 1 });
    const [onWasm, onNative] = [
      await nodeAccuracy(wasm, bytes, 1000),
      await nodeAccuracy(native, bytes, 1000),
    ];
    console.log(`final accuracy: table ${final.metric}, Node wasm ${onWasm}, Node native ${onNative}`);
    expect(onWasm).toBe(final.metric);
    expect(Math.abs(onNative - final.metric)).toBeLessThanOrEqual(0.002);

    // The pruned float stage: parameters, MACs and size exactly as the table says.
    const recovered = await stageFigures(page, 'recovered');
    const row = page.locator('[data-testid=stage-row][data-stage=recovered]');
    const float = await downloadBytes(page, () => row.getByTestId('download-stage').click());
    const floatCost = costModel(importModel(decodeModel(float.bytes)));
    expect(float.bytes.byteLength).toBe(recovered.bytes);
    expect(floatCost.parameters).toBe(recovered.params);
    expect(floatCost.macs).toBe(recovered.macs);
    expect(await nodeAccuracy(wasm, float.bytes, 1000)).toBe(recovered.metric);
  });

  it('a dropped recipe re-applies its settings; a bad one names its fields and changes nothing', async () => {
    const recipe = await downloadBytes(page, () => page.getByTestId('download-recipe').click());
    const saved = JSON.parse(new TextDecoder().decode(recipe.bytes));
    expect(saved.prune).toMatchObject({ ratio: 0.25, recover: ['compensate', 'lsq', 'bn'] });
    const report = await downloadBytes(page, () => page.getByTestId('download-report').click());
    const html = new TextDecoder().decode(report.bytes);
    expect(html).toContain('<svg');
    expect(html).toContain('MACs pruned');
    expect(html).not.toMatch(/<script|src=/i);
    // The report as a reader sees it, beside the other screenshots.
    const reader = await session.context.newPage();
    await reader.setContent(html);
    await reader.screenshot({ path: `${screenshotDir}/pipeline-report.png`, fullPage: true });
    await reader.close();

    // Change the controls, then drop the saved recipe: they come back.
    await page.getByTestId('ratio-slider').fill('0.6');
    await page.getByLabel('Least-squares reconstruction of the next layer').uncheck();
    await dropFiles(page, 'main', [{ name: 'saved.recipe.json', bytes: recipe.bytes }]);
    await expect.poll(() => page.getByTestId('ratio-slider').inputValue()).toBe('0.25');
    expect(await page.getByLabel('Least-squares reconstruction of the next layer').isChecked()).toBe(true);

    // A bad recipe: every bad field named, the settings kept, the model still open.
    const bad = {
      ...saved,
      prune: { ...saved.prune, ratio: 1.5, criterion: 'random' },
      quantize: { ...saved.quantize, weights: 'per-row' },
    };
    await dropFiles(page, 'main', [
      { name: 'bad.recipe.json', bytes: new TextEncoder().encode(JSON.stringify(bad)) },
    ]);
    const problems = await page.getByTestId('recipe-problems').innerText();
    expect(problems).toContain('prune.ratio');
    expect(problems).toContain('prune.criterion');
    expect(problems).toContain('quantize.weights');
    expect(await page.getByTestId('ratio-slider').inputValue()).toBe('0.25');
    expect(await page.getByTestId('current-file').innerText()).toBe(MODEL);
    await session.screenshot('pipeline-bad-recipe');
    await page.getByRole('button', { name: 'Dismiss the recipe error' }).click();
  });

  it('sweeps accuracy against ratio and paints per-group sensitivity on the graph', async () => {
    await page.getByTestId('eval-limit').fill('300');
    // Least squares is the slow recovery; the sweep keeps the other two.
    await page.getByLabel('Least-squares reconstruction of the next layer').uncheck();
    let t0 = Date.now();
    await page.getByTestId('run-sweep').click();
    const sweep = page.getByTestId('sweep-chart');
    await sweep.waitFor({ timeout: 180_000 });
    await expect.poll(() => sweep.locator('.recharts-line-dot').count()).toBe(4);
    console.log(`sweep: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    await page.getByTestId('run-sensitivity').click();
    await page.getByTestId('show-sensitivity').waitFor({ timeout: 120_000 });
    console.log(`sensitivity: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await session.screenshot('pipeline-studies');
    await page.getByTestId('tab-graph').click();
    await page.getByTestId('heat-legend').waitFor();
    const heats = await page
      .locator('[data-testid=graph-node][data-heat]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-heat'))));
    // Every prunable group but the first and the classifier's is measured; some pruning hurts.
    expect(heats.length).toBeGreaterThan(5);
    expect(Math.max(...heats)).toBeGreaterThan(0);
    await session.screenshot('pipeline-sensitivity-graph');
    await page.getByTestId('tab-results').click();
    await page.getByTestId('show-sensitivity').uncheck();
    expect(await page.locator('[data-testid=graph-node][data-heat]').count()).toBe(0);
    await page.getByTestId('eval-limit').fill('1000');
  });

  it('a dropped corrupt model shows the codec error and keeps the model and results', async () => {
    const corrupt = new Uint8Array(fixture(MODEL));
    corrupt[2] = (2 << 3) | 7;
    let message = '';
    try {
      decodeModel(corrupt);
    } catch (err) {
      if (err instanceof OnnxFormatError) message = err.message;
    }
    await dropFiles(page, 'main', [{ name: 'broken.onnx', bytes: corrupt }]);
    await page.getByTestId('load-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('load-error-message').innerText()).toBe(message);
    expect(await page.getByTestId('current-file').innerText()).toBe(MODEL);
    expect(await page.getByTestId('run-item').count()).toBe(1);
  });

  it('a crashed worker is replaced: the error shows, the settings stay, the next run works', async () => {
    await page.getByTestId('ratio-slider').fill('0.2');
    const worker = page.workers().find((w) => /core\.worker/.test(w.url()));
    expect(worker).toBeDefined();
    // An uncaught error in the worker's global scope: its `error` event reaches the page.
    await worker!.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated crash');
      });
    });
    const notice = page.getByTestId('worker-notice');
    const t0 = Date.now();
    await notice.waitFor({ timeout: 30_000 });
    console.log(`crash notice: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(await notice.innerText()).toContain('simulated crash');
    expect(await page.getByTestId('ratio-slider').inputValue()).toBe('0.2');
    expect(await page.getByTestId('dataset-size-evaluation').innerText()).toBe('10,000');
    // The fresh worker was handed the model and data again: a quick run succeeds.
    await page.getByLabel('Pruning', { exact: true }).uncheck();
    await page.getByLabel('INT8 quantization', { exact: true }).uncheck();
    await page.getByTestId('eval-limit').fill('200');
    await page.getByTestId('bench-runs').fill('1');
    await page.getByLabel('Also time on WebGPU (when available)').uncheck();
    await runAndWait(page, 2, 120_000);
    console.log(`run after the crash: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(await page.getByTestId('stage-row').count()).toBe(1);
    // The first run's models went with the old worker, but they were saved in IndexedDB: its downloads stay.
    await page.getByTestId('run-item').first().locator('.run-select').click();
    expect(await page.getByTestId('download-final').isDisabled()).toBe(false);
    await page.getByTestId('run-item').last().locator('.run-select').click();
    expect(await page.getByTestId('download-final').isDisabled()).toBe(false);
    await session.screenshot('pipeline-after-crash');
  });

  it('made no request beyond 127.0.0.1 and raised no page errors', () => {
    expect(session.requests.length).toBeGreaterThan(0);
    expect(session.foreignRequests()).toEqual([]);
    // onnxruntime logs its WebGPU node-placement warnings through console.error.
    expect(
      session.pageErrors.filter((e) => !/\[W:onnxruntime/.test(e) && !/simulated crash/.test(e)),
    ).toEqual([]);
  });
});

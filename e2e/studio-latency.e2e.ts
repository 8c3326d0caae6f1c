/**
 * A latency target in milliseconds on the built-in sample: the worker times the original (the
 * profile's timer over onnxruntime-web wasm), the slider moves in milliseconds of it and writes the
 * recipe's share, Run plans from the per-node profile and shows the exported model as timed against
 * the target (within 10 % or not, consistent with its own figures); with precision by measurement the
 * node inspector says why a convolution got its precision.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from './browser';
import { downloadBytes, runAndWait, stageFigures } from './pipeline-helpers';

const MODEL = 'fmnist-resnet8.onnx';

describe('studio latency target', () => {
  let session: BrowserSession;
  let page: Page;
  let originalMs = 0;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('graph-node').first().waitFor({ timeout: 60_000 });
    await page.getByText(MODEL, { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.getByTestId('dataset-size-calibration').waitFor({ timeout: 60_000 });
    // A quick run: no recovery, 64 calibration samples, 200 evaluated, no accuracy-aware fallback, no WebGPU.
    for (const step of [
      'Recalibrate BatchNorm statistics',
      'Compensate removed channels in the next bias',
      'Least-squares reconstruction of the next layer',
    ])
      await page.getByLabel(step).uncheck();
    await page.getByLabel('Calibration samples').fill('64');
    await page.getByLabel(/^Accuracy budget/).fill('0');
    await page.getByTestId('eval-limit').fill('200');
    await page.getByTestId('bench-runs').fill('15');
    await page.getByLabel('Also time on WebGPU (when available)').uncheck();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('times the original in the worker; the slider sets the share of it the recipe asks for', async () => {
    const slider = page.getByTestId('latency-slider');
    await page.getByTestId('prune-target').selectOption('latency');
    await page.getByTestId('latency-original-ms').waitFor({ timeout: 60_000 });
    originalMs = Number(await page.getByTestId('latency-original-ms').getAttribute('data-value'));
    console.log('original in the worker:', await page.getByTestId('latency-original').innerText());
    expect(originalMs).toBeGreaterThan(0);
    expect(await page.getByTestId('latency-original').innerText()).toMatch(
      /ms per image on onnxruntime wasm, \d+ threads?/,
    );
    expect(await slider.isDisabled()).toBe(false);

    const share = async () => Number(await slider.getAttribute('data-share'));
    const step = Number(await slider.getAttribute('step'));
    for (const wanted of [0.8, 0.6]) {
      await slider.fill(String(wanted * originalMs));
      // The range snaps to its step (1 % of the original): the share lands within one step.
      await expect.poll(share).toBeCloseTo(wanted, 1);
      expect(Math.abs((await share()) - wanted)).toBeLessThanOrEqual(step / originalMs + 1e-4);
      const ms = Number(await page.getByTestId('latency-ms').inputValue());
      expect(ms).toBeCloseTo((await share()) * originalMs, 2);
    }
    // The field takes milliseconds too.
    await page.getByTestId('latency-ms').fill((0.65 * originalMs).toFixed(3));
    await expect.poll(share).toBeCloseTo(0.65, 2);
    await session.screenshot('studio-latency-slider');
  });

  it('runs to the target with precision by measurement, and shows the measured latency beside it', async () => {
    const asked = Number(await page.getByTestId('latency-slider').getAttribute('data-share'));
    await page.getByTestId('quant-precision').selectOption('speed');
    const t0 = Date.now();
    await runAndWait(page, 1, 300_000);
    console.log(`latency-target run: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const fact = page.getByTestId('run-latency-target');
    const attr = async (name: string) => Number(await fact.getAttribute(name));
    const [fraction, runOriginal, goal, measured] = [
      await attr('data-fraction'),
      await attr('data-original-ms'),
      await attr('data-goal-ms'),
      await attr('data-measured-ms'),
    ];
    const within = await fact.getAttribute('data-within');
    console.log('latency target:', await fact.innerText());
    expect(fraction).toBe(asked);
    expect(goal).toBeCloseTo(fraction * runOriginal, 9);
    expect(measured).toBeGreaterThan(0);
    // The verdict is the run's own figures: the final stage over the original, both timed in the run.
    const measuredFraction = await attr('data-measured-fraction');
    expect(within).toBe(String(Math.abs(measuredFraction / fraction - 1) <= 0.1));
    const verdict = await page.getByTestId('run-latency-verdict').innerText();
    expect(verdict).toBe(within === 'true' ? 'within 10 % of the target' : 'more than 10 % off the target');

    // The recipe that ran is the slider's: its latencyTarget is the share the page showed.
    const recipe = await downloadBytes(page, () => page.getByTestId('download-recipe').click());
    const saved = JSON.parse(new TextDecoder().decode(recipe.bytes));
    expect(saved.prune.latencyTarget).toBe(asked);
    expect(saved.prune.ratio).toBeUndefined();
    expect(saved.quantize.precision).toBe('speed');
    await session.screenshot('studio-latency-run');
  }, 360_000);

  it('the node inspector says why a convolution got its precision', async () => {
    await page.getByTestId('tab-graph').click();
    await page.getByTestId('graph-node').filter({ hasText: '/layer2/conv1/Conv' }).first().click();
    await page.getByTestId('node-inspector').waitFor();
    const fact = page.getByTestId('node-precision');
    await fact.waitFor({ timeout: 10_000 });
    const precision = await fact.getAttribute('data-precision');
    const reason = await page.getByTestId('node-precision-reason').innerText();
    console.log(`/layer2/conv1/Conv: ${precision} — ${reason}`);
    expect(['int8', 'float']).toContain(precision);
    // The reason names the precision it led to and the measured figures behind it.
    expect(reason).toMatch(precision === 'int8' ? /int8|INT8/ : /float/);
    expect(reason).toMatch(/\d+(\.\d+)? ms/);
    await session.screenshot('studio-latency-node-precision');
  });

  it('a MAC target spread where the measured milliseconds are: the recipe says so, the cut holds', async () => {
    await page.getByTestId('prune-target').selectOption('macs');
    await page.getByTestId('macs-slider').fill('0.6');
    // The control appears with the MAC target only, and says the plan shown is the even one.
    await page.getByTestId('prune-allocate').selectOption('latency');
    await page.getByText(/cuts where the least importance is lost per millisecond saved/).waitFor();
    await runAndWait(page, 2, 300_000);
    const original = await stageFigures(page, 'original');
    const pruned = await stageFigures(page, 'pruned');
    console.log(`allocate latency: MACs ${original.macs} → ${pruned.macs}`);
    expect(pruned.macs).toBeLessThanOrEqual(Math.ceil(original.macs * 0.6));
    expect(pruned.macs).toBeGreaterThan(original.macs * 0.3);
    const recipe = await downloadBytes(page, () => page.getByTestId('download-recipe').click());
    const saved = JSON.parse(new TextDecoder().decode(recipe.bytes));
    expect(saved.prune).toMatchObject({ macsTarget: 0.4, allocate: 'latency', widths: 'fixed' });
    expect(saved.prune.latencyTarget).toBeUndefined();
  }, 360_000);

  it('raised no page errors', () => {
    expect(session.foreignRequests()).toEqual([]);
    expect(session.pageErrors.filter((e) => !/\[W:onnxruntime/.test(e))).toEqual([]);
  });
});

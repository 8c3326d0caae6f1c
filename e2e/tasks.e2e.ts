/**
 * Segmentation and detection in the studio: the fixture segmenter and detector (tests/fixtures/tasks,
 * made by scripts/make-task-fixtures.py) are dropped with their calibration .npz and a zip of held-out
 * images with masks or COCO boxes; the studio guesses the task, runs prune → recover → INT8 in the
 * worker, names the task's metric in the table, chart and facts, draws each stage's predictions on
 * four samples, and the report embeds them. Screenshots: test-results/studio-segmentation.png and
 * test-results/studio-detection.png.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, type BrowserSession } from './browser';
import { downloadBytes, runAndWait } from './pipeline-helpers';
import { dropFiles, fixture } from './studio-helpers';

const TEST = new URL('../tests/fixtures/tasks/test/', import.meta.url).pathname;

/** The held-out images with masks (a `masks/` folder) or with COCO boxes (`instances.json`), as one zip. */
function testZip(kind: 'segmentation' | 'detection'): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(join(TEST, 'images')))
    files[`images/${name}`] = readFileSync(join(TEST, 'images', name));
  if (kind === 'segmentation')
    for (const name of readdirSync(join(TEST, 'masks')))
      files[`masks/${name}`] = readFileSync(join(TEST, 'masks', name));
  else files['instances.json'] = readFileSync(join(TEST, 'instances.json'));
  return zipSync(files, { level: 0 });
}

const CASES = [
  { kind: 'segmentation', model: 'seg-unet.onnx', metric: 'mIoU', other: 'pixel accuracy', targets: 'masks' },
  { kind: 'detection', model: 'det-yolo.onnx', metric: 'mAP@.5', other: 'mAP@[.5:.95]', targets: 'boxes' },
] as const;

/** Pixels of a canvas that differ from its first pixel: a drawn picture has many. */
const varied = (page: Page) =>
  page.getByTestId('picture-canvas').evaluateAll((canvases) =>
    canvases.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let p = 4; p < data.length; p += 4) if (data[p] !== data[0] || data[p + 1] !== data[1]) n++;
      return n;
    }),
  );

describe('segmentation and detection in the studio', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('graph-node').first().waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    if (session?.pageErrors.length) console.log(session.pageErrors.join('\n'));
    await session?.close();
  });

  for (const c of CASES) {
    it(`${c.kind}: guessed, run, scored by ${c.metric} per stage, predictions pictured per stage`, async () => {
      await dropFiles(page, 'main', [{ name: c.model, bytes: fixture(`tasks/${c.model}`) }]);
      await expect
        .poll(() => page.getByTestId('current-file').innerText(), { timeout: 30_000 })
        .toBe(c.model);
      await dropFiles(page, '[data-testid=drop-calibration]', [
        { name: 'calib.npz', bytes: fixture('tasks/calib.npz') },
      ]);
      await dropFiles(page, '[data-testid=drop-evaluation]', [
        { name: `${c.kind}.zip`, bytes: testZip(c.kind) },
      ]);
      await expect
        .poll(
          () =>
            page
              .getByTestId('dataset-targets-evaluation')
              .innerText()
              .catch(() => ''),
          { timeout: 60_000 },
        )
        .toBe(c.targets);
      await expect.poll(() => page.getByTestId('dataset-size-evaluation').innerText()).toBe('400');
      // The task is guessed from the outputs and the data, and shown.
      await expect.poll(() => page.getByTestId('task-guess').getAttribute('data-kind')).toBe(c.kind);
      expect(await page.getByTestId('task-guess').innerText()).toContain(
        c.kind === 'segmentation' ? 'the data has masks' : 'the data has boxes',
      );
      if (c.kind === 'detection') {
        await expect(page.getByTestId('task-guess').innerText()).resolves.toContain('yolo decoder');
        await page.getByTestId('score-threshold').fill('0.01');
      }

      // The fixtures take pixel / 255 (scripts/make-task-fixtures.py).
      for (const role of ['calibration', 'evaluation'])
        await page
          .getByTestId(`data-${role}`)
          .getByLabel('Preprocessing', { exact: true })
          .selectOption('unit');
      // Small settings: 32 samples scored, 32 calibration samples, 2 timed runs, no fallback, no
      // least-squares recovery, wasm only.
      await page.getByTestId('eval-limit').fill('32');
      await page.getByTestId('bench-runs').fill('2');
      await page.getByLabel('Calibration samples').fill('32');
      await page.getByLabel(/^Accuracy budget/).fill('0');
      await page.getByLabel('Also time on WebGPU (when available)').uncheck();
      await page.getByLabel('Least-squares reconstruction of the next layer').uncheck();
      const before = await page.getByTestId('run-item').count();
      const started = Date.now();
      await runAndWait(page, before + 1, 400_000);
      console.log(`${c.kind} run in the browser: ${((Date.now() - started) / 1000).toFixed(1)} s`);

      const table = page.getByTestId('stage-table');
      // textContent: the header is upper-cased by CSS, innerText would be too.
      const header = (await table.locator('thead').textContent()) ?? '';
      expect(header).toContain(c.metric);
      expect(header).toContain(c.other);
      const values = await table
        .getByTestId('stage-metric')
        .evaluateAll((cells) => cells.map((el) => Number(el.getAttribute('data-value'))));
      expect(values.length).toBeGreaterThanOrEqual(3);
      for (const v of values) expect(v).toBeGreaterThan(0.05);
      for (const v of values) expect(v).toBeLessThanOrEqual(1);
      expect(await page.getByTestId('run-scored-by').innerText()).toContain(`${c.metric} on 32 samples`);
      expect(await page.getByTestId('run-task').innerText()).toContain(c.kind);
      // Chart this run alone: the earlier one is another model scored by another metric.
      const boxes = await page.getByTestId('run-item').getByRole('checkbox').all();
      for (const box of boxes.slice(0, -1)) if (await box.isChecked()) await box.uncheck();
      const chart = page.getByTestId('accuracy-chart');
      await chart.locator('.recharts-scatter-symbol').first().waitFor();
      expect(await chart.textContent()).toContain(`${c.metric} (%)`);
      if (c.kind === 'detection') {
        await page.getByTestId('chart-figure').selectOption('mAP@[.5:.95]');
        await expect.poll(() => chart.textContent()).toContain('mAP@[.5:.95] (%)');
      }

      // Pictures: 4 samples × (annotation + every stage), each drawn by the stage's own model.
      const pictures = page.getByTestId('pictures');
      await pictures.scrollIntoViewIfNeeded();
      expect(await pictures.getByTestId('picture-row').count()).toBe(4);
      expect(await pictures.getByTestId('picture').count()).toBe(4 * (values.length + 1));
      const drawn = await varied(page);
      expect(drawn.length).toBe(4 * (values.length + 1));
      for (const n of drawn) expect(n).toBeGreaterThan(500);
      const captions = await pictures.locator('figcaption').allTextContents();
      expect(captions.slice(0, values.length + 1)).toEqual(
        expect.arrayContaining(['annotation', 'original', 'pruned + INT8']),
      );
      if (c.kind === 'detection') {
        const boxes = await pictures.getByTestId('picture-box').allTextContents();
        expect(boxes.length).toBeGreaterThan(4 * (values.length + 1));
        // Predicted boxes say class and score; the annotation's say the class alone.
        expect(
          boxes.filter((t) =>
            /^(T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) 0\.\d\d$/.test(
              t,
            ),
          ).length,
        ).toBeGreaterThan(8);
      }
      // A tall window shows the stage table and the pictures together.
      await page.setViewportSize({ width: 1400, height: 1700 });
      await page.locator('#stages-title').scrollIntoViewIfNeeded();
      await session.screenshot(`studio-${c.kind}`);
      await page.setViewportSize({ width: 1280, height: 900 });

      const report = await downloadBytes(page, () => page.getByTestId('download-report').click());
      const html = new TextDecoder().decode(report.bytes);
      expect(html).toContain(c.metric);
      expect(html).toContain(`task ${c.kind}`);
      // Three samples × (annotation + every stage), each an SVG with its image as a PNG data URL.
      expect(html.match(/href="data:image\/png;base64,/g)?.length).toBe(3 * (values.length + 1));
      expect(html).not.toMatch(/<script|src=/i);
    }, 540_000);
  }
});

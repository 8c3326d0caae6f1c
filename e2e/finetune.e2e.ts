/**
 * Fine-tuning in the studio (issue 12): fmnist-resnet8 pruned 30 % and distilled for one epoch on the
 * 400-image training slice, in the worker on the WASM kernels with a fixed seed, gives a model
 * byte-identical to `whittle optimize --train` run in Node on the same recipe. Paused mid-epoch, the
 * page reloaded and training continued from the IndexedDB checkpoint, it gives those bytes again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from './browser';
import { FMNIST_PREPROCESS, downloadBytes, runError, sha256, useSampleData } from './pipeline-helpers';
import { dropFiles, fixture } from './studio-helpers';

const MODEL = 'fmnist-resnet8.onnx';
const SLICE = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'];

/** Small enough for a test (45 steps of 8 images), long enough to pause in the middle of. */
const RECIPE = {
  version: 1,
  prune: { ratio: 0.3 },
  finetune: { enabled: true, epochs: 1, batchSize: 8, samples: 400, heldOut: 0.1, lr: 0.002, seed: 7 },
  quantize: { enabled: false },
  data: { preprocess: FMNIST_PREPROCESS, calibrationSamples: 64, batchSize: 64, evalLimit: 200 },
  evaluate: { backends: ['wasm'], threads: 1, runs: 1, warmup: 0 },
  compute: { kernels: 'wasm' },
};

const repo = new URL('..', import.meta.url).pathname;

/** `whittle optimize --train` on the same recipe and files; resolves to the written model's bytes. */
function cliModel(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-finetune-e2e-'));
  const recipe = join(dir, 'recipe.json');
  const out = join(dir, 'tuned.onnx');
  writeFileSync(recipe, JSON.stringify(RECIPE));
  const args = ['bin/whittle.mjs', 'optimize', `tests/fixtures/${MODEL}`, '--recipe', recipe];
  args.push(
    '--calib',
    'tests/fixtures/fmnist-calib',
    '--train',
    'tests/fixtures/fmnist-train-slice',
    '--out',
    out,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, WHITTLE_DEBUG: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(new Uint8Array(readFileSync(out)))
        : reject(new Error(`whittle exited ${code}: ${stderr}`)),
    );
  });
}

const sliceFiles = () =>
  SLICE.map((name) => ({ name, bytes: new Uint8Array(fixture(`fmnist-train-slice/${name}`)) }));

/** Model, calibration sample data and the training slice, as a user would give them. */
async function openInputs(page: Page) {
  await useSampleData(page, 'calibration', '1,000');
  await dropFiles(page, '[data-testid=drop-training]', sliceFiles());
  await expect
    .poll(
      () =>
        page
          .getByTestId('dataset-size-training')
          .innerText()
          .catch(() => ''),
      { timeout: 60_000 },
    )
    .toBe('400');
}

async function finetunedBytes(page: Page): Promise<Uint8Array> {
  const row = page.locator('[data-testid=stage-row][data-stage="finetuned"]');
  return (await downloadBytes(page, () => row.getByTestId('download-stage').click())).bytes;
}

describe('fine-tuning in the studio', () => {
  let session: BrowserSession;
  let page: Page;
  let cli: Promise<Uint8Array>;

  beforeAll(async () => {
    cli = cliModel();
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('current-file').getByText(MODEL).waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('trains in the worker with live curves and gives the CLI’s bytes', async () => {
    await dropFiles(page, 'main', [
      { name: 'finetune.recipe.json', bytes: new TextEncoder().encode(JSON.stringify(RECIPE)) },
    ]);
    // The recipe file is read asynchronously: wait for it to land before checking the fields.
    await expect.poll(() => page.getByTestId('finetune-enabled').isChecked(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('finetune-batch').inputValue()).toBe('8');
    expect(await page.getByTestId('finetune-seed').inputValue()).toBe('7');
    await openInputs(page);
    await page.getByTestId('run-pipeline').click();
    // The curves draw while the worker trains: a step count appears and grows.
    await expect
      .poll(
        () =>
          page
            .getByTestId('training-status')
            .innerText()
            .catch(() => ''),
        { timeout: 120_000 },
      )
      .toMatch(/Epoch 1\/1, step \d+\/45, loss \d/);
    await expect
      .poll(async () => (await runError(page)) || page.getByTestId('run-item').count(), { timeout: 240_000 })
      .toBe(1);
    expect(await page.getByTestId('run-finetune').innerText()).toMatch(/1 epoch on 360 images/);
    const stages = await page
      .getByTestId('stage-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')));
    expect(stages).toEqual(['original', 'pruned', 'finetuned']);
    await expect.poll(() => page.locator('.chart-legend').innerText()).toContain('pruned + fine-tuned');

    const browser = sha256(await finetunedBytes(page));
    const node = sha256(await cli);
    console.log(`fine-tuned model SHA-256: browser ${browser.slice(0, 16)}, CLI ${node.slice(0, 16)}`);
    expect(browser).toBe(node);
    await session.screenshot('finetune-done');
  }, 420_000);

  it('paused, reloaded and continued from the IndexedDB checkpoint, it gives the same bytes', async () => {
    await page.getByTestId('run-pipeline').click();
    const pause = page.getByTestId('pause-training');
    await expect.poll(() => pause.isEnabled().catch(() => false), { timeout: 120_000 }).toBe(true);
    await pause.click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('training-status')
            .getAttribute('data-paused')
            .catch(() => null),
        {
          timeout: 150_000,
        },
      )
      .toBe('true');
    const status = await page.getByTestId('training-status').innerText();
    const step = Number(/step (\d+)\/45/.exec(status)?.[1]);
    console.log(`paused: ${status}`);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(45);
    await session.screenshot('finetune-paused');

    await page.reload();
    await page.getByTestId('current-file').getByText(MODEL).waitFor({ timeout: 60_000 });
    const banner = page.getByTestId('checkpoint-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.innerText()).toContain(`epoch 1, step ${step} of 45`);
    await openInputs(page);
    await banner.getByTestId('resume-checkpoint').click();
    await expect
      .poll(async () => (await runError(page)) || page.getByTestId('run-item').count(), { timeout: 240_000 })
      .toBe(2);
    expect(await page.getByTestId('run-finetune').innerText()).toContain('continued from a checkpoint');
    expect(await page.getByTestId('checkpoint-banner').count()).toBe(0);
    expect(sha256(await finetunedBytes(page))).toBe(sha256(await cli));
  }, 420_000);

  it('made no request beyond 127.0.0.1', () => {
    expect(session.foreignRequests()).toEqual([]);
  });
});

/** Helpers for the pipeline specs: sample data, runs driven through the UI, downloads, Node-side checks. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Model } from '../src/core/onnx';

/** Zoo preprocessing for the Fashion-MNIST models (shared/zoo/README.md). */
export const FMNIST_PREPROCESS = { scale: 0.00392156862745098, mean: [0.286], std: [0.353] };

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Loads the built-in sample data into a slot and waits for its sample count. */
export async function useSampleData(page: Page, role: 'calibration' | 'evaluation', size: string) {
  await page.getByTestId(`data-${role}`).getByRole('button', { name: 'Sample data' }).click();
  await expect
    .poll(
      () =>
        page
          .getByTestId(`dataset-size-${role}`)
          .innerText()
          .catch(() => ''),
      { timeout: 60_000 },
    )
    .toBe(size);
}

/** The run error's text, or '' when there is none (without waiting for one to appear). */
export async function runError(page: Page): Promise<string> {
  const error = page.getByTestId('run-error');
  return (await error.count()) ? error.innerText() : '';
}

/** Clicks Run and waits until the run list has `runs` entries (or a run error appears). */
export async function runAndWait(page: Page, runs: number, timeout = 240_000) {
  await page.getByTestId('run-pipeline').click();
  await expect
    .poll(async () => (await runError(page)) || page.getByTestId('run-item').count(), {
      timeout,
      interval: 250,
    })
    .toBe(runs);
}

/** Clicks `button` and returns the bytes of the download it starts. */
export async function downloadBytes(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: new Uint8Array(await readFile(path)) };
}

/** The figures of one table row, as the page holds them (data-value attributes, full precision). */
export async function stageFigures(page: Page, stage: string) {
  const row = page.locator(`[data-testid=stage-row][data-stage="${stage}"]`);
  const value = async (id: string) => Number(await row.getByTestId(id).getAttribute('data-value'));
  return {
    metric: await value('stage-metric'),
    bytes: await value('stage-bytes'),
    params: await value('stage-params'),
    macs: await value('stage-macs'),
    latencyWasm: await value('stage-latency-wasm'),
  };
}

/**
 * Weights of a QDQ model counted as the float model's parameters: the quantized tensors that
 * DequantizeLinear reads, plus float initializers other than quantization scales.
 */
export function qdqWeightCount(model: Model): number {
  const graph = model.graph!;
  const quantized = new Set<string>();
  const scalesAndZeros = new Set<string>();
  for (const n of graph.node) {
    if (n.opType !== 'DequantizeLinear' && n.opType !== 'QuantizeLinear') continue;
    if (n.opType === 'DequantizeLinear') quantized.add(n.input[0]);
    for (const extra of n.input.slice(1)) scalesAndZeros.add(extra);
  }
  let count = 0;
  for (const t of graph.initializer) {
    if (scalesAndZeros.has(t.name)) continue;
    const isFloat = t.dataType === 1;
    if (!quantized.has(t.name) && !isFloat) continue;
    count += t.dims.reduce((a, d) => a * Number(d), 1);
  }
  return count;
}

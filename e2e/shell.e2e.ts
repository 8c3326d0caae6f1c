/**
 * The studio shell (Summary tab) in a real browser: the built-in sample is analysed in the core worker, another
 * model opens through the file input, a corrupt file shows the codec's own sentence and leaves the
 * previous model on screen, and no request leaves 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeModel, OnnxFormatError } from '../src/core/onnx';
import { launchBrowser, type BrowserSession } from './browser';

const fixture = (name: string) => readFileSync(new URL(`../tests/fixtures/${name}`, import.meta.url));

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

async function opHistogram(page: Page): Promise<Record<string, number>> {
  const rows = page.getByTestId('op-histogram').locator('tbody tr');
  const entries: Record<string, number> = {};
  for (const row of await rows.all()) {
    const op = (await row.getAttribute('data-op')) ?? '';
    entries[op] = Number((await row.getByTestId('op-count').innerText()).replace(/,/g, ''));
  }
  return entries;
}

/** The codec's message for `bytes` when decoded in Node: the page must show the same sentence. */
function codecMessage(bytes: Uint8Array): string {
  try {
    decodeModel(bytes);
  } catch (err) {
    if (err instanceof OnnxFormatError) return err.message;
    throw err;
  }
  throw new Error('the corrupt fixture decoded without an error');
}

describe('studio shell', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    // The summary lives in its own tab beside the graph.
    await page.getByRole('tab', { name: 'Summary' }).click();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('opens on the built-in sample and shows its figures', async () => {
    await expect.poll(() => text(page, 'file-name'), { timeout: 30_000 }).toBe('fmnist-resnet8.onnx');
    expect(await text(page, 'node-count')).toBe('22');
    expect(await text(page, 'parameters')).toBe('77,418');
    expect(await text(page, 'macs')).toBe('9,345,920');
    expect(await page.getByTestId('inputs').getByTestId('shape').innerText()).toBe('[batch, 1, 28, 28]');
    expect(await page.getByTestId('outputs').getByTestId('shape').innerText()).toBe('[batch, 10]');
    expect(await opHistogram(page)).toMatchObject({ Conv: 9, Relu: 7, Add: 3, Gemm: 1 });
    await session.screenshot('shell-sample');
  });

  it('is cross-origin isolated', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('opens another model through the file input', async () => {
    await page.getByTestId('file-input').setInputFiles({
      name: 'fmnist-mobilenetv2.onnx',
      mimeType: 'application/octet-stream',
      buffer: fixture('fmnist-mobilenetv2.onnx'),
    });
    await expect.poll(() => text(page, 'file-name'), { timeout: 30_000 }).toBe('fmnist-mobilenetv2.onnx');
    expect(await text(page, 'macs')).toBe('6,597,856');
    expect(await text(page, 'parameters')).toBe('84,682');
    expect(await text(page, 'node-count')).toBe('74');
    expect(await opHistogram(page)).toMatchObject({ Conv: 22, Clip: 15, Constant: 30, Add: 4, Gemm: 1 });
  });

  it('shows the codec error for a corrupt file and keeps the previous model', async () => {
    // producer_name's tag rewritten to wire type 7, which protobuf does not define.
    const corrupt = new Uint8Array(fixture('fmnist-resnet8.onnx'));
    corrupt[2] = (2 << 3) | 7;
    const expected = codecMessage(corrupt);

    await page.getByTestId('file-input').setInputFiles({
      name: 'broken.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(corrupt),
    });
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await text(page, 'load-error-message')).toBe(expected);
    expect(await alert.innerText()).toContain('broken.onnx');
    expect(await text(page, 'file-name')).toBe('fmnist-mobilenetv2.onnx');
    expect(await text(page, 'macs')).toBe('6,597,856');
    await session.screenshot('shell-corrupt-file');
  });

  it('opens a model dropped on the page and clears the error', async () => {
    const dataTransfer = await page.evaluateHandle(
      ({ name, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
        return transfer;
      },
      { name: 'fmnist-resnet8-bn.onnx', base64: fixture('fmnist-resnet8-bn.onnx').toString('base64') },
    );
    for (const type of ['dragenter', 'dragover', 'drop']) {
      await page.dispatchEvent('.workspace', type, { dataTransfer });
    }
    await expect.poll(() => text(page, 'file-name'), { timeout: 30_000 }).toBe('fmnist-resnet8-bn.onnx');
    expect(await text(page, 'parameters')).toBe('78,330');
    expect(await text(page, 'macs')).toBe('9,345,920');
    expect(await opHistogram(page)).toMatchObject({ BatchNormalization: 9, Conv: 9 });
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('made no request beyond 127.0.0.1 and raised no page errors', () => {
    expect(session.requests.length).toBeGreaterThan(0);
    expect(session.foreignRequests()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});

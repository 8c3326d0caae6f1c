/** Page helpers for the studio specs: real drops built from bytes inside the page, readable figures. */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

export const fixture = (name: string) => readFileSync(new URL(`../tests/fixtures/${name}`, import.meta.url));

/**
 * Dispatches dragenter/dragover/drop carrying real `File`s (built in the page from the bytes) at
 * `selector`, as a browser does when files are dragged from the desktop.
 */
export async function dropFiles(page: Page, selector: string, files: { name: string; bytes: Uint8Array }[]) {
  const dataTransfer = await page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of list) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
      }
      return transfer;
    },
    files.map((f) => ({ name: f.name, base64: Buffer.from(f.bytes).toString('base64') })),
  );
  for (const type of ['dragenter', 'dragover', 'drop'])
    await page.dispatchEvent(selector, type, { dataTransfer });
  await dataTransfer.dispose();
}

/** A number shown with thousands separators. */
export const parseCount = (text: string) => Number(text.replace(/[^\d.]/g, ''));

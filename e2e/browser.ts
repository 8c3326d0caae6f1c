/**
 * Launches Debian's Chromium headless through playwright-core, with a fresh profile per launch.
 * Every request the page makes is recorded so a spec can prove nothing left 127.0.0.1.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = join(process.cwd(), 'test-results');

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every URL requested by the page and its workers, in order. */
  requests: string[];
  /** Console errors and uncaught page errors, for failure messages. */
  pageErrors: string[];
  /** Requests to anything other than 127.0.0.1 (data: and blob: URLs never leave the page). */
  foreignRequests(): string[];
  /** Saves a full-page screenshot to test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'whittle-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--enable-unsafe-webgpu',
    ],
  });
  const requests: string[] = [];
  const pageErrors: string[] = [];
  // Context-level events also see requests from dedicated workers.
  context.on('request', (request) => requests.push(request.url()));
  // A foreign request is recorded (the spec fails on it) and never reaches the network.
  await context.route(
    (url) => !isLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });

  return {
    context,
    page,
    requests,
    pageErrors,
    foreignRequests: () => requests.filter((url) => !isLocal(url)),
    async screenshot(name) {
      mkdirSync(screenshotDir, { recursive: true });
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1';
}

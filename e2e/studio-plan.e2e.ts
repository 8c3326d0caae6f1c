/**
 * The plan on screen is the plan that runs: on the built-in sample, at three settings (a channel
 * ratio, a MAC target, a per-group override), the estimate and the group list are read before Run;
 * the pruned stage the run exports is then measured in this process: its MACs and parameters (cost
 * model on the downloaded file) and each group's channel count (the width of a weight the group
 * owns) must equal what the page showed. The run also skips WebGPU timing on headless Chromium's
 * software adapter and says so.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { costModel, importModel } from '../src/core/graph';
import { decodeModel, type Model } from '../src/core/onnx';
import { openModelView } from '../src/core/view';
import { launchBrowser, type BrowserSession } from './browser';
import { downloadBytes, runAndWait, stageFigures } from './pipeline-helpers';
import { fixture } from './studio-helpers';

const MODEL = 'fmnist-resnet8.onnx';
const { view } = openModelView(new Uint8Array(fixture(MODEL)));

/** What the page shows once the worker has planned the current settings. */
async function shownPlan(page: Page) {
  await showGroupList(page);
  await expect.poll(() => page.getByTestId('estimate').getAttribute('data-pending')).toBe('false');
  const value = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
  const rows = await page
    .getByTestId('group-row')
    .evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-group')!, Number(el.getAttribute('data-keep'))] as const),
    );
  return { macs: await value('est-macs'), params: await value('est-params'), keep: Object.fromEntries(rows) };
}

/** Back from an inspected group or node to the list of groups. */
async function showGroupList(page: Page) {
  const back = page.getByRole('button', { name: '← All groups' });
  if (await back.count()) await back.click();
}

/**
 * Each group's kept channels in an exported model: the size, along the group's axis, of a weight
 * whose whole axis is the group's channels (a producer's filters).
 */
function keptChannels(model: Model): Record<string, number> {
  const dims = new Map(model.graph!.initializer.map((t) => [t.name, t.dims.map(Number)]));
  const out: Record<string, number> = {};
  for (const g of view.groups) {
    const owner = g.members.find(
      (m) =>
        m.kind === 'parameter' &&
        m.extent === g.channels &&
        m.runs.every((r) => r.block === 1) &&
        dims.has(m.name),
    );
    if (owner) out[g.id] = dims.get(owner.name)![owner.axis];
  }
  return out;
}

describe('studio plan', () => {
  let session: BrowserSession;
  let page: Page;
  let runs = 0;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('graph-node').first().waitFor({ timeout: 60_000 });
    await page.getByText(MODEL, { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.getByTestId('dataset-size-calibration').waitFor({ timeout: 60_000 });
    // A quick run: pruning alone, measured on a few samples, timed once, no WebGPU.
    await page.getByLabel('INT8 quantization').uncheck();
    for (const step of [
      'Recalibrate BatchNorm statistics',
      'Compensate removed channels in the next bias',
      'Least-squares reconstruction of the next layer',
    ])
      await page.getByLabel(step).uncheck();
    await page.getByTestId('eval-limit').fill('200');
    await page.getByTestId('bench-runs').fill('1');
    // WebGPU stays asked for: headless Chromium's adapter is SwiftShader, which the run must skip and say so.
    if (await page.getByTestId('software-gpu').isChecked())
      throw new Error('software WebGPU timing is on by default');
  });

  afterAll(async () => {
    await session?.close();
  });

  /** Runs, downloads the pruned stage and checks it against `shown`. */
  async function runAndCompare(shown: Awaited<ReturnType<typeof shownPlan>>, label: string) {
    await runAndWait(page, ++runs);
    const row = page.locator('[data-testid=stage-row][data-stage=pruned]');
    const figures = await stageFigures(page, 'pruned');
    const { bytes } = await downloadBytes(page, () => row.getByTestId('download-stage').click());
    const model = decodeModel(bytes);
    const cost = costModel(importModel(model));
    console.log(
      `${label}: page ${shown.macs} MACs ${shown.params} params; exported ${cost.macs} MACs ${cost.parameters} params`,
    );
    expect(cost.macs).toBe(shown.macs);
    expect(cost.parameters).toBe(shown.params);
    expect(figures.macs).toBe(shown.macs);
    const kept = keptChannels(model);
    expect(Object.keys(kept).length).toBeGreaterThan(3);
    for (const [id, n] of Object.entries(kept)) expect(n, `group ${id}`).toBe(shown.keep[id]);
    const notes = await page.getByTestId('run-notes').innerText();
    await session.screenshot(`studio-plan-run-${runs}`);
    await page.getByTestId('tab-graph').click();
    return notes;
  }

  it('a channel ratio: the exported model is the one the page planned', async () => {
    await page.getByTestId('ratio-slider').fill('0.4');
    const shown = await shownPlan(page);
    expect(shown.macs).toBeLessThan(view.summary.macs!);
    // The first convolution and the classifier input are kept whole, and the list says why.
    const kept = page.locator('[data-testid=group-row][data-status=excluded]');
    expect(await kept.count()).toBeGreaterThan(0);
    expect(await kept.first().getAttribute('title')).toMatch(/first convolution|classifier/);
    await session.screenshot('studio-plan-ratio');
    const notes = await runAndCompare(shown, 'ratio 40 %');
    expect(notes).toMatch(/Not timed on WebGPU: the adapter \(.*\) is a software fallback/);
  });

  it('a MAC target: the inspector shows the plan’s share, and the export matches the page', async () => {
    await page.getByTestId('prune-target').selectOption('macs');
    await page.getByTestId('macs-slider').fill('0.55');
    const shown = await shownPlan(page);
    expect(shown.macs).toBeLessThanOrEqual(Math.ceil(view.summary.macs! * 0.55));
    const group = Object.entries(shown.keep).find(
      ([id, keep]) => keep < view.groups.find((g) => g.id === id)!.channels,
    )![0];
    await page.locator(`[data-testid=group-row][data-group=${group}]`).click();
    const channels = view.groups.find((g) => g.id === group)!.channels;
    const share = Math.round(((channels - shown.keep[group]) / channels) * 100);
    expect(await page.getByTestId('override-value').innerText()).toBe(`${share}%`);
    expect(await page.getByTestId('override-source').innerText()).toMatch(/MAC target/);
    await session.screenshot('studio-plan-macs');
    await runAndCompare(shown, 'keep 55 % of MACs');
  });

  it('a per-group override and the first convolution included: the export matches the page', async () => {
    await page.getByTestId('prune-target').selectOption('ratio');
    await page.getByTestId('ratio-slider').fill('0.3');
    await page.getByTestId('include-first').check();
    const group = view.groups.find((g) => g.prunable && g.channels >= 16)!;
    await showGroupList(page);
    await page.locator(`[data-testid=group-row][data-group=${group.id}]`).click();
    await page.getByTestId('override-toggle').check();
    await page.getByTestId('override-slider').fill('0.75');
    await expect.poll(() => page.getByTestId('estimate').getAttribute('data-pending')).toBe('false');
    const removed = Number(await page.getByTestId('group-removed').getAttribute('data-value'));
    await session.screenshot('studio-plan-override');
    const shown = await shownPlan(page);
    expect(shown.keep[group.id]).toBe(group.channels - Math.floor(0.75 * group.channels));
    expect(removed).toBe(group.channels - shown.keep[group.id]);
    await runAndCompare(shown, `ratio 30 % + ${group.id} at 75 %`);
  });

  it('raised no page errors', () => {
    expect(session.foreignRequests()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});

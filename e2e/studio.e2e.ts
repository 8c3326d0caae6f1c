/**
 * The studio in Chromium: a real model dropped on the page is analysed in the worker and drawn with
 * its pruning groups; selecting a group fills the inspector with the analysis's own members; the
 * ratio slider changes the plan's estimate (checked against the run's planner in Node on the same
 * file); a dropped IDX dataset is read in the worker; a corrupt file shows the codec's sentence and
 * leaves the model open; nothing leaves 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeModel, OnnxFormatError } from '../src/core/onnx';
import { openModelView } from '../src/core/view';
import { defaultRecipe, parseRecipe, previewPlan } from '../src/core/pipeline';
import { weightScores } from '../src/core/prune';
import { createReferenceBackend } from '../src/kernels';
import { launchBrowser, type BrowserSession } from './browser';
import { dropFiles, fixture, parseCount } from './studio-helpers';

const MODEL = 'fmnist-resnet8-bn.onnx';
const expected = openModelView(new Uint8Array(fixture(MODEL)));

const currentFile = (page: Page) => page.getByTestId('current-file').innerText();
const estimate = async (page: Page) => {
  await expect.poll(() => page.getByTestId('estimate').getAttribute('data-pending')).toBe('false');
  return {
    params: Number(await page.getByTestId('est-params').getAttribute('data-value')),
    macs: Number(await page.getByTestId('est-macs').getAttribute('data-value')),
    bytes: Number(await page.getByTestId('est-bytes').getAttribute('data-value')),
  };
};

const scores = await weightScores(
  expected.graph,
  expected.analysis.groups,
  { criterion: 'l1' },
  createReferenceBackend(),
);

/** The run's planner on the same file in Node, at `ratio`. */
function nodeEstimate(ratio: number) {
  const recipe = parseRecipe({ ...defaultRecipe(), prune: { ...defaultRecipe().prune, ratio } });
  const plan = previewPlan(expected.graph, expected.analysis, expected.shapes, recipe, scores);
  return { params: plan.after.parameters, macs: plan.after.macs, bytes: plan.after.parameters * 4 };
}

describe('studio', () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await launchBrowser();
    page = session.page;
    await page.goto(inject('baseUrl'));
    await page.getByTestId('graph-node').first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('draws a dropped model with every node coloured by its pruning group', async () => {
    await dropFiles(page, 'main', [{ name: MODEL, bytes: fixture(MODEL) }]);
    await expect.poll(() => currentFile(page), { timeout: 30_000 }).toBe(MODEL);
    const boxes = page.getByTestId('graph-node');
    await expect.poll(() => boxes.count()).toBe(expected.view.blocks.length);
    const groups = await boxes.evaluateAll((els) =>
      els.map((el) => ({
        group: el.getAttribute('data-group'),
        prunable: el.getAttribute('data-prunable'),
        color: getComputedStyle(el).borderTopColor,
      })),
    );
    const prunable = groups.filter((g) => g.prunable === 'true');
    const blocked = groups.filter((g) => g.prunable === 'false');
    expect(prunable.length).toBeGreaterThan(5);
    expect(blocked.length).toBeGreaterThan(0); // the Gemm whose channels reach the graph output
    expect(new Set(prunable.map((g) => g.group)).size).toBeGreaterThanOrEqual(4);
    // One colour per group, and blocked boxes are grey with a dashed border.
    const colorOf = new Map(prunable.map((g) => [g.group, g.color]));
    expect(new Set(colorOf.values()).size).toBe(colorOf.size);
    const blockedStyle = await page
      .locator('[data-testid=graph-node][data-prunable=false]')
      .first()
      .evaluate((el) => getComputedStyle(el).borderTopStyle);
    expect(blockedStyle).toBe('dashed');
    await session.screenshot('studio-graph');
  });

  it('selecting a group shows its members and highlights them on the graph', async () => {
    const group = expected.view.groups.find((g) => g.prunable && g.members.some((m) => m.note))!;
    await page.locator(`[data-testid=group-row][data-group=${group.id}]`).click();
    const inspector = page.getByTestId('group-inspector');
    await inspector.waitFor();
    expect(await page.getByTestId('inspector-group-id').innerText()).toBe(group.id);
    expect(parseCount(await page.getByTestId('group-channels').innerText())).toBe(group.channels);
    const names = await page.getByTestId('member-name').allInnerTexts();
    expect(names.map((n) => n.replace(/^◆ /, ''))).toEqual(group.members.map((m) => m.name));
    expect(await page.getByTestId('group-couplings').innerText()).toContain("joined by Add '/layer1/Add'");
    await page.getByTestId('importance-chart').locator('.recharts-bar-rectangle').first().waitFor();
    const highlighted = await page.locator('[data-testid=graph-node][data-emphasis=on]').count();
    const blocksWithMembers = new Set(
      group.nodeIds.map((id) => expected.view.nodes.find((n) => n.id === id)!.block),
    );
    expect(highlighted).toBe(blocksWithMembers.size);
    expect(await page.locator('[data-testid=graph-node][data-emphasis=dim]').count()).toBe(
      expected.view.blocks.length - highlighted,
    );
    await session.screenshot('studio-group-selected');
  });

  it('moving the ratio slider updates the estimate live, matching the estimator on the same file', async () => {
    const before = await estimate(page);
    expect(before).toEqual(nodeEstimate(0.3));
    await page.getByTestId('ratio-slider').fill('0.5');
    await expect.poll(() => estimate(page)).toEqual(nodeEstimate(0.5));
    const after = await estimate(page);
    expect(after.params).toBeLessThan(before.params);
    expect(after.macs).toBeLessThan(before.macs);
    // Keyboard: one step right is one percent more.
    await page.getByTestId('ratio-slider').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => estimate(page)).toEqual(nodeEstimate(0.51));
    // The inspected group holds the stem convolution: the plan keeps it whole and says why.
    expect(await page.getByTestId('group-removed').getAttribute('data-value')).toBe('0');
    expect(await page.getByTestId('group-excluded-reason').innerText()).toMatch(/first convolution/);
    await session.screenshot('studio-ratio-51');
  });

  it('finds nodes by tensor name and inspects a node', async () => {
    await page.getByTestId('graph-search').fill('layer2/Add_output');
    // The Add and the Relu after it share one block, so one box matches.
    await expect.poll(() => page.getByTestId('search-count').innerText()).toBe('1 / 1');
    expect(
      await page.locator('[data-testid=graph-node]').filter({ hasText: '/layer2/Add' }).getAttribute('class'),
    ).toContain('focused');
    await page.getByTestId('graph-node').filter({ hasText: '/layer2/conv1/Conv' }).first().click();
    await page.getByTestId('node-inspector').waitFor();
    expect(await page.getByTestId('inspector-node-name').innerText()).toBe('/layer2/conv1/Conv');
    const conv = expected.view.nodes.find((n) => n.name === '/layer2/conv1/Conv')!;
    expect(parseCount(await page.getByTestId('node-macs').innerText())).toBe(conv.macs);
    expect(await page.getByTestId('node-attrs').innerText()).toContain('kernel_shape = [3, 3]');
    await session.screenshot('studio-node-selected');
  });

  it('accepts a dropped IDX calibration set and reports its sample count', async () => {
    // The built-in sample set is there from the start; clear it so the count comes from the drop.
    await page.getByRole('button', { name: 'Clear the calibration set' }).click();
    await page.getByTestId('dataset-size-calibration').waitFor({ state: 'detached' });
    await dropFiles(page, '[data-testid=drop-calibration]', [
      { name: 'train-images-idx3-ubyte.gz', bytes: fixture('fmnist-calib/train-images-idx3-ubyte.gz') },
      { name: 'train-labels-idx1-ubyte.gz', bytes: fixture('fmnist-calib/train-labels-idx1-ubyte.gz') },
    ]);
    await expect
      .poll(
        () =>
          page
            .getByTestId('dataset-size-calibration')
            .innerText()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toBe('1,000');
    expect(await page.getByTestId('dataset-calibration').innerText()).toMatch(/IDX/i);
    // The model stayed open: a data drop is not a model drop.
    expect(await currentFile(page)).toBe(MODEL);
  });

  it('shows the reader error for a dataset it cannot read', async () => {
    await dropFiles(page, '[data-testid=drop-evaluation]', [
      { name: 't10k-images-idx3-ubyte', bytes: new Uint8Array([0, 0, 8, 3, 0, 0, 0, 9, 0, 0]) },
    ]);
    const error = page.getByTestId('dataset-error-evaluation');
    await error.waitFor({ timeout: 30_000 });
    // Ten bytes: the magic and the item count, then the first dimension cut off halfway.
    expect(await error.innerText()).toBe('t10k-images-idx3-ubyte is truncated inside its IDX header.');
    await session.screenshot('studio-data');
  });

  it('shows the codec error for a dropped corrupt model and keeps the open one', async () => {
    const corrupt = new Uint8Array(fixture('fmnist-resnet8.onnx'));
    corrupt[2] = (2 << 3) | 7;
    let message = '';
    try {
      decodeModel(corrupt);
    } catch (err) {
      if (err instanceof OnnxFormatError) message = err.message;
    }
    expect(message).not.toBe('');
    await dropFiles(page, 'main', [{ name: 'broken.onnx', bytes: corrupt }]);
    await page.getByTestId('load-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('load-error-message').innerText()).toBe(message);
    expect(await currentFile(page)).toBe(MODEL);
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await expect.poll(() => page.getByTestId('graph-node').count()).toBe(expected.view.blocks.length);
    await session.screenshot('studio-corrupt-model');
  });

  it('made no request beyond 127.0.0.1 and raised no page errors', () => {
    expect(session.requests.length).toBeGreaterThan(0);
    expect(session.foreignRequests()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});

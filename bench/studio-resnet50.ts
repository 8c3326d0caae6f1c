/**
 * One-off measurement (not part of `npm test`): the studio in Chromium on a real-size model and a
 * folder of 224-px images. Opens MODEL (default /work/models/resnet50.onnx) through the file input,
 * picks FOLDER as the calibration set, runs prune + INT8 with small sample counts, and samples the
 * tab's memory every second: the renderer processes' resident memory (the page, its worker, their
 * WASM heaps) from /proc, and the page's JS heap from CDP. Prints the peaks and whether Run completed.
 *
 *   npx vite build && npx tsx bench/studio-resnet50.ts [MODEL] [FOLDER]
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../e2e/browser';
import { startStaticServer } from '../scripts/static-server';

const model = process.argv[2] ?? '/work/models/resnet50.onnx';
const folder = process.argv[3] ?? '/tmp/whittle-calib224-256';
const samples = Number(process.env.SAMPLES ?? 8);
const MiB = 1024 ** 2;

/**
 * Resident and peak-resident bytes of the renderer processes this script's Chromium started (its
 * descendants: other Chromiums on a shared machine are not counted).
 */
function renderers(): { rss: number; hwm: number } {
  const rows = execSync('ps -eo pid=,ppid=,args=')
    .toString()
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const parent = new Map(rows.map((r) => [r.pid, r.ppid]));
  const ours = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let rss = 0;
  let hwm = 0;
  for (const r of rows) {
    if (!r.args.includes('--type=renderer') || !ours(r.pid)) continue;
    try {
      const status = readFileSync(`/proc/${r.pid}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      hwm += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return { rss, hwm };
}

const server = await startStaticServer({ root: join(process.cwd(), 'dist'), port: 0 });
const session = await launchBrowser();
const { page } = session;
const cdp = await session.context.newCDPSession(page);
await cdp.send('Performance.enable');
const peak = { rss: 0, hwm: 0, jsHeap: 0 };
const sample = async () => {
  const r = renderers();
  peak.rss = Math.max(peak.rss, r.rss);
  peak.hwm = Math.max(peak.hwm, r.hwm);
  const { metrics } = await cdp.send('Performance.getMetrics');
  peak.jsHeap = Math.max(peak.jsHeap, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
};
const timer = setInterval(() => void sample().catch(() => undefined), 1000);
const t0 = Date.now();
const at = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
try {
  await page.goto(server.url);
  await page.getByTestId('graph-node').first().waitFor({ timeout: 120_000 });
  await page.getByTestId('file-input').setInputFiles(model);
  const name = model.split('/').pop()!;
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=current-file]')?.textContent === n,
    name,
    { timeout: 600_000, polling: 1000 },
  );
  console.log(`${at()}: ${name} open; renderers ${(renderers().rss / MiB).toFixed(0)} MiB`);
  for (const role of ['calibration', 'evaluation']) {
    const clear = page.getByRole('button', { name: `Clear the ${role} set` });
    if (await clear.count()) await clear.click();
  }
  await page.getByLabel('Calibration set folder').setInputFiles(folder);
  await page.getByTestId('dataset-size-calibration').waitFor({ timeout: 300_000 });
  console.log(
    `${at()}: folder open (${await page.getByTestId('dataset-size-calibration').innerText()} images)`,
  );
  await page.getByLabel('Calibration samples').fill(String(samples));
  await page.getByTestId('eval-limit').fill(String(samples));
  await page.getByTestId('bench-runs').fill('2');
  for (const step of [
    'Recalibrate BatchNorm statistics',
    'Compensate removed channels in the next bias',
    'Least-squares reconstruction of the next layer',
  ])
    await page.getByLabel(step).uncheck();
  const started = Date.now();
  await page.getByTestId('run-pipeline').click();
  let last = '';
  for (;;) {
    if (await page.getByTestId('run-item').count()) break;
    const error = page.getByTestId('run-error');
    if (await error.count()) throw new Error(`run failed: ${await error.innerText()}`);
    const detail = await page
      .getByTestId('phase-detail')
      .innerText({ timeout: 500 })
      .catch(() => '');
    if (detail && detail.split(':')[0] !== last.split(':')[0]) console.log(`${at()}: ${detail}`);
    last = detail || last;
    await page.waitForTimeout(1000);
  }
  console.log(`${at()}: Run completed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const rows = await page
    .getByTestId('stage-row')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ')));
  for (const r of rows) console.log('  ', r);
  console.log('  run memory fact:', await page.getByTestId('run-memory').innerText());
} finally {
  await sample().catch(() => undefined);
  clearInterval(timer);
  console.log(
    `peak renderer resident ${(peak.rss / MiB).toFixed(0)} MiB (VmHWM sum ${(peak.hwm / MiB).toFixed(0)} MiB), page JS heap ${(peak.jsHeap / MiB).toFixed(0)} MiB`,
  );
  await session.close();
  server.close();
}

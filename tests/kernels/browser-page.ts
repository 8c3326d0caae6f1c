// The browser half of the kernel suite (kernels-test.html): runs the shared cases on every backend
// this page can build, WebGPU included, against the reference, and publishes the outcome on
// `window.__kernelSuite` for e2e/kernels.e2e.ts. `?seed=N` replays a run.
import { createBackends, selectBackend } from '../../src/kernels';
import type { BackendName, BackendProbe, KernelBackend } from '../../src/kernels';
import { browserWasmLoader } from '../../src/kernels/wasm/browser-loader';
import { createRng, freshSeed } from './random';
import { implementationOf, kernelCases } from './suite';

export interface CaseResult {
  backend: BackendName;
  name: string;
  status: 'pass' | 'fail' | 'skip';
  /** Where the backend ran the case's kernels (its name, or what it delegated and why). */
  implementation?: string;
  message?: string;
  ms: number;
}

export interface BrowserSuiteReport {
  seed: number;
  probes: BackendProbe[];
  adapter?: string;
  /** Each built backend's `delegated`: kernels it hands to another backend, with the reason. */
  delegated: Partial<Record<BackendName, KernelBackend['delegated']>>;
  results: CaseResult[];
  selected?: { name: BackendName; timings: Partial<Record<BackendName, number>> };
  error?: string;
  done: true;
}

declare global {
  interface Window {
    __kernelSuite?: BrowserSuiteReport;
  }
}

async function adapterDescription(): Promise<string | undefined> {
  if (!('gpu' in navigator) || !navigator.gpu) return undefined;
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return 'no adapter';
  const { vendor, architecture, description } = adapter.info;
  return `${vendor} ${architecture} ${description}`.trim();
}

/** What is running now, shown on the page (a stuck case is visible in the e2e screenshot). */
function progress(text: string): void {
  const status = document.getElementById('status');
  if (status) status.textContent = `running ${text}…`;
}

async function run(): Promise<BrowserSuiteReport> {
  const seed = freshSeed(new URLSearchParams(location.search).get('seed') ?? undefined);
  const { backends, probes } = await createBackends({ wasmLoader: browserWasmLoader });
  const results: CaseResult[] = [];
  const delegated = Object.fromEntries(backends.map((b) => [b.name, b.delegated]));
  for (const probe of probes) {
    const backend = backends.find((b) => b.name === probe.name);
    for (const c of kernelCases) {
      if (!backend) {
        results.push({ backend: probe.name, name: c.name, status: 'skip', message: probe.reason, ms: 0 });
        continue;
      }
      const t0 = performance.now();
      const implementation = implementationOf(backend, c);
      progress(`${probe.name}: ${c.name}`);
      try {
        await c.run(backend, createRng(seed));
        results.push({
          backend: probe.name,
          name: c.name,
          status: 'pass',
          implementation,
          ms: performance.now() - t0,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results.push({
          backend: probe.name,
          name: c.name,
          status: 'fail',
          implementation,
          message,
          ms: performance.now() - t0,
        });
      }
    }
  }
  progress('selectBackend');
  const selection = await selectBackend({ wasmLoader: browserWasmLoader });
  return {
    seed,
    probes,
    adapter: await adapterDescription(),
    delegated,
    results,
    selected: { name: selection.backend.name, timings: selection.timings },
    done: true,
  };
}

function render(report: BrowserSuiteReport): void {
  const failed = report.results.filter((r) => r.status === 'fail').length;
  const status = document.getElementById('status');
  if (status) {
    status.textContent = report.error
      ? `error: ${report.error}`
      : `seed ${report.seed} · ${failed} failed · adapter: ${report.adapter ?? 'none'} · selected: ${report.selected?.name}`;
  }
  const table = document.getElementById('results');
  if (!table) return;
  for (const r of report.results) {
    const row = document.createElement('tr');
    for (const text of [
      r.backend,
      r.name,
      r.status,
      r.implementation ?? '',
      `${r.ms.toFixed(0)} ms`,
      r.message ?? '',
    ]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    table.append(row);
  }
}

run()
  .catch((error: unknown): BrowserSuiteReport => ({
    seed: 0,
    probes: [],
    delegated: {},
    results: [],
    error: error instanceof Error ? error.message : String(error),
    done: true,
  }))
  .then((report) => {
    window.__kernelSuite = report;
    render(report);
  });

/**
 * Where least-squares recovery spends its time: prunes MODEL by 40 % of its MACs (L1), then runs
 * `reconstruct` over the first N samples of DATA with the runtime's sessions and the kernels timed.
 * Prints one JSON line: total seconds and CPU seconds, session creation / run seconds and counts, and
 * each kernel's seconds, beside bare inference of the original over the same feeds.
 * Usage: tsx bench/scale/recovery-profile.ts MODEL DATA N [PREPROCESS] [MEMORY_MB]
 */
import { readFile } from 'node:fs/promises';
import { createOrtRuntime, modelInput, type InferenceRuntime } from '../../src/core/eval';
import { openDatasetPath, readPreprocessArg } from '../../src/core/eval/node';
import { costModel, importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { calibrationFromDataset, cloneGraph, pruneModel, reconstruct } from '../../src/core/prune';
import { selectBackend, type Kernels } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const [modelPath, data, samples, preprocessArg, budgetMB] = process.argv.slice(2);
const bytes = new Uint8Array(await readFile(modelPath));
const original = importModel(decodeModel(bytes));
const runtime = await createOrtRuntime({ backend: 'native' });
const preprocess = preprocessArg ? await readPreprocessArg(preprocessArg) : undefined;
const calibration = await calibrationFromDataset(await openDatasetPath(data), {
  input: modelInput(original)!,
  preprocess,
  limit: Number(samples),
  batchSize: 32,
});
const kernels = (await selectBackend({ wasmLoader: nodeWasmLoader, allow: ['wasm'] })).backend;

const seconds: Record<string, number> = {};
const cpuSeconds: Record<string, number> = {};
const counts: Record<string, number> = {};
/** Every call here is awaited alone, so the process's CPU time over a call is that call's. */
let cpuAt = process.cpuUsage();
const add = (key: string, t0: number) => {
  const c = process.cpuUsage(cpuAt);
  seconds[key] = (seconds[key] ?? 0) + (performance.now() - t0) / 1000;
  cpuSeconds[key] = (cpuSeconds[key] ?? 0) + (c.user + c.system) / 1e6;
  counts[key] = (counts[key] ?? 0) + 1;
};
const mark = () => {
  cpuAt = process.cpuUsage();
  return performance.now();
};
const timedRuntime: InferenceRuntime = {
  ...runtime,
  async createSession(model, options) {
    const t0 = mark();
    const s = await runtime.createSession(model, options);
    add('createSession', t0);
    return {
      ...s,
      async run(feeds, fetches) {
        const t1 = mark();
        const out = await s.run(feeds, fetches);
        add('session.run', t1);
        return out;
      },
      release: () => s.release(),
    };
  },
};
const timedKernels = new Proxy(kernels, {
  get(target, key, receiver) {
    const v = Reflect.get(target, key, receiver) as unknown;
    if (typeof v !== 'function') return v;
    return async (...a: unknown[]) => {
      const t0 = mark();
      const r = await (v as (...x: unknown[]) => Promise<unknown>).apply(target, a);
      add(`kernel.${String(key)}`, t0);
      return r;
    };
  },
}) as Kernels;

// Bare inference over the same feeds, as the yardstick.
const bareCpu0 = process.cpuUsage();
const t0 = performance.now();
const session = await runtime.createSession(bytes);
for await (const feeds of calibration()) await session.run(feeds);
await session.release();
const bare = (performance.now() - t0) / 1000;
const bareCpu = process.cpuUsage(bareCpu0);

const { masked, plan } = await pruneModel(original, {
  criterion: { criterion: 'l1' },
  recipe: { macsTarget: 0.4 },
  kernels,
});
const cpu0 = process.cpuUsage();
const t1 = performance.now();
const { report } = await reconstruct(timedRuntime, original, cloneGraph(masked), plan, calibration, {
  kernels: timedKernels,
  ...(budgetMB ? { memoryBudget: Number(budgetMB) * 1024 ** 2 } : {}),
});
const total = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    samples: Number(samples),
    layers: report.layers.length,
    passes: report.passes,
    bareSeconds: bare,
    bareCpuSeconds: (bareCpu.user + bareCpu.system) / 1e6,
    reconstructSeconds: total,
    reconstructCpuSeconds: (cpu.user + cpu.system) / 1e6,
    // The least-squares arithmetic against the inference it stands beside: the Gram of every fitted
    // layer is Σ rows·d²/2 multiply-adds (one system per layer here), bare inference MACs × samples.
    gramMacs: report.layers.reduce((n, l) => n + (l.rows * l.inputs * l.inputs) / 2, 0),
    inferenceMacs: (costModel(original).macs ?? NaN) * Number(samples),
    seconds,
    cpuSeconds,
    counts,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);

// Start-up: probe which backends this environment can run, build them, and pick the fastest by
// timing a small representative workload on each (never by assumption).
import type { BackendName, KernelBackend } from './api';
import { createReferenceBackend } from './reference';
import { createWasmBackend, wasmSimdSupported } from './wasm';
import type { WasmLoader } from './wasm';
import { createWebGpuBackend, webGpuAvailable } from './webgpu';

/** Whether a backend can run here, and why not when it cannot. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  reason?: string;
}

export interface BackendOptions {
  /** How to fetch kernels.wasm (node-loader.ts in Node, browser-loader.ts in the page); no loader → no WASM. */
  wasmLoader?: WasmLoader;
  /** Backends to consider (default: all three). */
  allow?: readonly BackendName[];
}

export interface Backends {
  backends: KernelBackend[];
  probes: BackendProbe[];
}

/** Builds every allowed backend that probes available; the reference always comes first. */
export async function createBackends(options: BackendOptions = {}): Promise<Backends> {
  const allow = new Set(options.allow ?? ['reference', 'wasm', 'webgpu']);
  const backends: KernelBackend[] = [];
  const probes: BackendProbe[] = [];
  const attempt = async (name: BackendName, make: () => Promise<KernelBackend>): Promise<void> => {
    if (!allow.has(name)) return void probes.push({ name, available: false, reason: 'not requested' });
    try {
      backends.push(await make());
      probes.push({ name, available: true });
    } catch (error) {
      probes.push({ name, available: false, reason: error instanceof Error ? error.message : String(error) });
    }
  };
  await attempt('reference', async () => createReferenceBackend());
  await attempt('wasm', async () => {
    if (!wasmSimdSupported()) throw new Error('WebAssembly SIMD does not validate in this engine');
    if (!options.wasmLoader) throw new Error('no kernels.wasm loader was supplied');
    return createWasmBackend(options.wasmLoader);
  });
  await attempt('webgpu', async () => {
    const why = webGpuAvailable();
    if (why !== true) throw new Error(why);
    // The GPU hands its sequential kernels to the best CPU backend built so far.
    return createWebGpuBackend(backends.find((b) => b.name === 'wasm') ?? backends[0]);
  });
  return { backends, probes };
}

/** The chosen backend, every candidate's measured time (ms), and the probes. */
export interface Selection {
  backend: KernelBackend;
  timings: Partial<Record<BackendName, number>>;
  probes: BackendProbe[];
}

/**
 * Times a fixed workload — a 384×96 Gram and the FPGM distance sums of 64 filters of 288 —
 * on each available backend (one warm-up, best of three) and picks the fastest.
 */
export async function selectBackend(options: BackendOptions = {}): Promise<Selection> {
  const found = await createBackends(options);
  if (found.backends.length === 0)
    throw new Error(
      `No kernel backend can run here (${found.probes.map((p) => `${p.name}: ${p.reason}`).join('; ')}).`,
    );
  const rows = 384;
  const cols = 96;
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37);
  const gram = new Float32Array(cols * cols);
  const sums = new Float32Array(64);
  const workload = async (b: KernelBackend): Promise<void> => {
    await b.gramAccumulate({ x, rows, cols, out: gram });
    await b.distanceSums({ weights: x, filters: 64, size: 288, out: sums });
  };
  const timings: Partial<Record<BackendName, number>> = {};
  let best = found.backends[0];
  for (const b of found.backends) {
    await workload(b);
    let ms = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await workload(b);
      ms = Math.min(ms, performance.now() - t0);
    }
    timings[b.name] = ms;
    if (ms < (timings[best.name] ?? Infinity)) best = b;
  }
  // The GPU backend borrows a CPU one, so only the GPU device is released when the GPU loses.
  for (const b of found.backends) if (b !== best && b.name === 'webgpu') b.dispose();
  return { backend: best, timings, probes: found.probes };
}

// Start-up probing and selection in Node, and the CPU backends' documented NaN handling.
import { describe, expect, test } from 'vitest';
import { createBackends, selectBackend, wasmSimdSupported } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

describe('backend probing and selection in Node', () => {
  test('WASM SIMD validates and builds; WebGPU is reported unavailable with its reason', async () => {
    expect(wasmSimdSupported()).toBe(true);
    const { backends, probes } = await createBackends({ wasmLoader: nodeWasmLoader });
    expect(backends.map((b) => b.name)).toEqual(['reference', 'wasm']);
    const webgpu = probes.find((p) => p.name === 'webgpu');
    expect(webgpu?.available).toBe(false);
    expect(webgpu?.reason).toMatch(/navigator/);
  });

  test('without a loader the WASM backend falls back, saying why', async () => {
    const { backends, probes } = await createBackends();
    expect(backends.map((b) => b.name)).toEqual(['reference']);
    expect(probes.find((p) => p.name === 'wasm')?.reason).toMatch(/loader/);
  });

  test('selectBackend picks the backend that measured fastest, and names it', async () => {
    const { backend, timings } = await selectBackend({ wasmLoader: nodeWasmLoader });
    const measured = Object.entries(timings).sort((a, b) => a[1] - b[1]);
    expect(measured.map(([name]) => name).sort()).toEqual(['reference', 'wasm']);
    expect(backend.name).toBe(measured[0][0]);
  });

  test('a disallowed backend is not built', async () => {
    const { backend, probes } = await selectBackend({ wasmLoader: nodeWasmLoader, allow: ['reference'] });
    expect(backend.name).toBe('reference');
    expect(probes.find((p) => p.name === 'wasm')?.reason).toBe('not requested');
  });
});

describe.each(['reference', 'wasm'] as const)('NaN handling on %s', (name) => {
  test('minMax and histogram skip NaNs', async () => {
    const { backends } = await createBackends({ wasmLoader: nodeWasmLoader, allow: [name] });
    const b = backends[0];
    const data = Float32Array.from({ length: 37 }, (_, i) => (i % 5 === 0 ? NaN : i - 18));
    const minmax = Float32Array.of(Infinity, -Infinity);
    await b.minMax({ data, minmax });
    expect(Array.from(minmax)).toEqual([-17, 18]); // -18 and 17 sit at NaN positions
    const counts = new Uint32Array(9);
    await b.histogram({ data, lo: -18, hi: 18, absolute: false, counts });
    expect(counts.reduce((s, c) => s + c, 0)).toBe(37 - 8);
  });
});

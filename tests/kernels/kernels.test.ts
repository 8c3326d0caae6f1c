// Node: every kernel on every backend Node can run (reference, WASM SIMD) against the reference.
// Each test's name says where the backend runs the case's kernels; neither backend here hands any
// kernel elsewhere, and that is asserted.
import { describe, expect, test } from 'vitest';
import { createBackends, kernelNames } from '../../src/kernels';
import type { BackendName } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';
import { createRng, freshSeed } from './random';
import { implementationOf, kernelCases } from './suite';

const { backends, probes } = await createBackends({ wasmLoader: nodeWasmLoader });
const seed = freshSeed(process.env.KERNEL_SEED);
console.info(`kernel suite seed ${seed} (rerun with KERNEL_SEED=${seed})`);

const entries = (['reference', 'wasm', 'webgpu'] as BackendName[]).map((name) => {
  const probe = probes.find((p) => p.name === name);
  const skip =
    name === 'webgpu'
      ? `${probe?.reason ?? 'unavailable'} — WebGPU runs in e2e/kernels.e2e.ts (headless Chromium)`
      : probe?.reason;
  return { name, backend: backends.find((b) => b.name === name), skip };
});

test('the suite covers every kernel', () => {
  expect(new Set(kernelCases.flatMap((c) => c.kernels))).toEqual(new Set(kernelNames));
});

describe.each(entries)('kernels on $name', ({ name, backend, skip }) => {
  if (backend)
    test('runs every kernel itself (nothing delegated)', () => {
      expect(backend.delegated).toEqual({});
    });
  for (const c of kernelCases) {
    if (!backend) {
      test.skip(`${c.name} — skipped: ${skip}`, () => {});
      continue;
    }
    test(`${c.name} — runs on ${implementationOf(backend, c)}`, async () => {
      try {
        await c.run(backend, createRng(seed));
      } catch (error) {
        throw new Error(`[${name}, seed ${seed}] ${(error as Error).message}`, { cause: error });
      }
    });
  }
});

/**
 * `prune.allocate: latency` through the whole run on fmnist-resnet8 in onnxruntime-node: the pipeline
 * profiles the original, hands the measured milliseconds to the planner, and the pruned model still
 * removes the MACs asked, spread differently from the uniform ratio; both models load and run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { parseRecipe, runPipeline } from '../../src/core/pipeline';
import { ProfileCache } from '../../src/core/profile';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const model = new Uint8Array(readFileSync('tests/fixtures/fmnist-resnet8.onnx'));

describe('a MAC target spread by measured latency', () => {
  it('removes the MACs asked where the profile says the time is', async () => {
    const calibration = await openDatasetPath('tests/fixtures/fmnist-calib');
    const runtime = await createOrtRuntime({ backend: 'native' });
    const kernels = await createWasmBackend(nodeWasmLoader);
    const profileCache = new ProfileCache();
    const run = (allocate: 'macs' | 'latency') =>
      runPipeline({
        model,
        recipe: parseRecipe({
          version: 1,
          prune: { macsTarget: 0.4, allocate },
          quantize: { enabled: false },
          data: {
            preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
            calibrationSamples: 32,
            evalLimit: 32,
          },
          evaluate: { backends: ['native'], runs: 1, warmup: 0 },
        }),
        calibration,
        runtime,
        kernels,
        profileCache,
      });
    const uniform = await run('macs');
    // A uniform ratio needs no profile; the spread one times the original's nodes first.
    expect(profileCache.size).toBe(0);
    const spread = await run('latency');
    expect(profileCache.size).toBeGreaterThan(0);
    for (const r of [uniform, spread]) {
      expect(r.plan!.after.macs!).toBeLessThanOrEqual(0.6 * r.plan!.before.macs! + 1e-6);
      // Every stage's model ran (a latency per stage, real outputs scored).
      expect(r.stages.map((s) => s.name)).toEqual(['original', 'pruned']);
      for (const s of r.stages) expect(s.result.latency[0].medianMs).toBeGreaterThan(0);
    }
    // Within a slice of a group of the target, not far past it.
    expect(spread.plan!.after.macs!).toBeGreaterThan(0.5 * spread.plan!.before.macs!);
    const keeps = (r: typeof uniform) => r.plan!.groups.map((g) => g.keep);
    expect(keeps(spread)).not.toEqual(keeps(uniform));
  }, 120_000);
});

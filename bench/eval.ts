/**
 * Evaluation-harness overhead: images/s of `evaluateModel` (IDX decode, preprocessing, batching,
 * adapter, metrics) against bare onnxruntime-web `session.run` on the same, pre-built batches.
 * Passes alternate (harness, bare, harness, bare, …) so machine drift falls on both.
 * Goal: harness ≤ 10 % slower than bare inference.
 *
 *   npm run bench:eval [-- --rounds 3 --batch 500 --limit 10000 --threads 1]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { batches, createOrtRuntime, evaluateModel, resolvePreprocess } from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '500' },
    limit: { type: 'string', default: '10000' },
    threads: { type: 'string', default: '1' },
  },
});
const rounds = Number(values.rounds);
const batchSize = Number(values.batch);
const limit = Number(values.limit);
const threads = Number(values.threads);

const fixtures = join(import.meta.dirname, '..', 'tests', 'fixtures');
const modelBytes = new Uint8Array(readFileSync(join(fixtures, 'fmnist-resnet8.onnx')));
const spec = { scale: 1 / 255, mean: [0.286], std: [0.353] };

const runtime = await createOrtRuntime({ backend: 'wasm', threads });
const session = await runtime.createSession(modelBytes);
const bare = await ort.InferenceSession.create(modelBytes, {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
});
const dataset = await openDatasetPath(join(fixtures, 'fmnist-test'));

// The bare loop gets its inputs ready-made: only inference is timed there.
const { preprocess } = resolvePreprocess(spec, session.inputs[0], dataset);
const ready: ort.Tensor[] = [];
for await (const b of batches(dataset, preprocess, { batchSize, limit }))
  ready.push(new ort.Tensor('float32', b.input, [...b.dims]));
const images = ready.reduce((n, t) => n + t.dims[0], 0);

async function harnessPass(): Promise<number> {
  const t0 = performance.now();
  const report = await evaluateModel(session, dataset, { preprocess: spec, batchSize, limit });
  if (report.samples !== images) throw new Error('sample count differs');
  return performance.now() - t0;
}

async function barePass(): Promise<number> {
  const t0 = performance.now();
  for (const input of ready) await bare.run({ input });
  return performance.now() - t0;
}

await barePass(); // warm-up for both sessions
await harnessPass();
const harnessMs: number[] = [];
const bareMs: number[] = [];
for (let r = 0; r < rounds; r++) {
  harnessMs.push(await harnessPass());
  bareMs.push(await barePass());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perSecond = (ms: number) => (images * 1000) / ms;
const h = median(harnessMs);
const b = median(bareMs);
const perRound = harnessMs.map((t, i) => t / bareMs[i]);
console.log(
  `fmnist-test × resnet8: ${images} images, batch ${batchSize}, wasm ${runtime.threads} thread(s), ${rounds} rounds interleaved`,
);
console.log(
  `  bare session.run   ${perSecond(b).toFixed(0).padStart(7)} images/s   (median ${b.toFixed(0)} ms per pass)`,
);
console.log(
  `  evaluateModel      ${perSecond(h).toFixed(0).padStart(7)} images/s   (median ${h.toFixed(0)} ms per pass)`,
);
console.log(
  `  harness overhead   ${((median(perRound) - 1) * 100).toFixed(1)} % (median per-round ratio ×${median(perRound).toFixed(3)}; goal ≤ 10 %)`,
);
await session.release();
await bare.release();

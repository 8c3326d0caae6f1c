/**
 * Child process of `bench:scale`: the exported model's latency in ORT-web wasm with THREADS threads
 * (a process fixes onnxruntime-web's thread count once), batch 1. Runs the pipeline as a user would
 * with the target runtime as its latency backend: prune (MAC target 0.4, or a latency target with
 * measured widths), INT8 precision chosen per node by `speed` in that runtime, then every stage timed
 * there interleaved (A B A B …). Calibration and fidelity run in onnxruntime-node (quicker; they do
 * not change latency). Prints one JSON line.
 * Usage: tsx bench/scale/exported-latency.ts MODEL DATA PREPROCESS THREADS RUNS [LATENCY_TARGET|-] [macs|latency]
 * The last argument spreads the 40 % MAC cut uniformly (`macs`, default) or where the measured
 * milliseconds are (`latency`, `prune.allocate`).
 */
import { readFile } from 'node:fs/promises';
import { createOrtRuntime } from '../../src/core/eval';
import { openDatasetPath, readPreprocessArg } from '../../src/core/eval/node';
import { parseRecipe, runPipeline } from '../../src/core/pipeline';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';

const [modelPath, data, preprocessArg, threadsArg, runsArg, targetArg, allocateArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const target = targetArg && targetArg !== '-' ? Number(targetArg) : undefined;
const allocate = allocateArg === 'latency' ? 'latency' : 'macs';
const recipe = parseRecipe({
  version: 1,
  prune: {
    ...(target !== undefined ? { latencyTarget: target } : { macsTarget: 0.4 }),
    criterion: 'l1',
    // At exactly 40 % MACs the widths stay as planned (snapping only ever prunes more); a latency
    // target lets them snap.
    widths: target !== undefined ? 'measured' : 'fixed',
    allocate,
  },
  quantize: { method: 'minmax', precision: 'speed' },
  data: {
    calibrationSamples: 32,
    batchSize: 16,
    evalLimit: 32,
    preprocess: await readPreprocessArg(preprocessArg),
  },
  evaluate: { backends: ['wasm'], threads, runs: Number(runsArg), warmup: 3, batch: 1 },
});
const wasm = await createOrtRuntime({ backend: 'wasm', threads });
const t0 = performance.now();
const result = await runPipeline({
  model: new Uint8Array(await readFile(modelPath)),
  recipe,
  calibration: await openDatasetPath(data),
  runtime: await createOrtRuntime({ backend: 'native' }),
  latencyRuntimes: [wasm],
  kernels: await createWasmBackend(nodeWasmLoader),
});
// p10 of the interleaved runs: on this shared machine a run is often descheduled, and a median then
// measures the scheduler; medians are printed beside.
const ms = (name: string) => result.stages.find((s) => s.name === name)?.result.latency[0]?.p10Ms;
const median = (name: string) => result.stages.find((s) => s.name === name)?.result.latency[0]?.medianMs;
const final = result.stages[result.stages.length - 1];
const choice = result.precision?.find((p) => p.stage === 'pruned-int8');
console.log(
  JSON.stringify({
    threads: wasm.threads,
    allocate,
    originalMs: ms('original'),
    prunedMs: ms('pruned'),
    int8Ms: ms('int8'),
    finalMs: final.result.latency[0].p10Ms,
    medians: {
      original: median('original'),
      pruned: median('pruned'),
      final: final.result.latency[0].medianMs,
    },
    final: final.label,
    macsCut: result.plan ? 1 - (result.plan.after.macs ?? 0) / (result.plan.before.macs ?? 1) : 0,
    int8Nodes: choice?.nodes.filter((n) => n.precision === 'int8').length,
    nodes: choice?.nodes.length,
    widthsSnapped: result.widths?.filter((w) => w.chosen !== w.planned).length ?? 0,
    latencyTarget: result.latencyTarget,
    seconds: (performance.now() - t0) / 1000,
  }),
);
process.exit(0);

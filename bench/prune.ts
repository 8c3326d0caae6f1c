/**
 * Filter pruning without retraining: top-1 accuracy on all 10,000 Fashion-MNIST test images at MAC
 * reductions of 0/20/30/40/50/60 %, for each criterion with no recovery and with every recovery step,
 * each step alone for one criterion, a progressive schedule against one-shot, and the latency of
 * the physically pruned model relative to the original in onnxruntime-web (wasm).
 * Goal: ≥ 40 % of MACs removed at ≤ 1.0 point accuracy drop on fmnist-resnet8.
 *
 * The `-bn` exports are used (the same networks as the fused ones, with BatchNormalization nodes kept)
 * so that BatchNorm re-estimation has something to act on. Calibration: fmnist-calib (training images).
 * Recovery and evaluation run in onnxruntime-node; latency in onnxruntime-web wasm, 1 thread.
 *
 *   npm run bench:prune [-- --models resnet8,mobilenetv2 --calib 1000 --rows 12000 --quick]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareLatency, createOrtRuntime, evaluateModel, type InferenceRuntime } from '../src/core/eval';
import { openDatasetPath } from '../src/core/eval/node';
import { exportModel, type Graph } from '../src/core/graph';
import { encodeModel } from '../src/core/onnx';
import { calibrationFromDataset, cloneGraph, pruneModel, removeChannels, type CriterionName, type RecoveryOptions } from '../src/core/prune';
import { createWasmBackend } from '../src/kernels';
import { nodeWasmLoader } from '../src/kernels/wasm/node-loader';
import { loadGraphFile } from './prune-helpers';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'resnet8,mobilenetv2' },
    calib: { type: 'string', default: '1000' },
    rows: { type: 'string', default: '12000' },
    quick: { type: 'boolean', default: false },
  },
});
const fixtures = join(import.meta.dirname, '..', 'tests', 'fixtures');
const spec = { scale: 1 / 255, mean: [0.286], std: [0.353] };
const levels = [0.2, 0.3, 0.4, 0.5, 0.6];
const criteria: CriterionName[] = values.quick ? ['fpgm', 'reconstruction'] : ['l1', 'l2', 'fpgm', 'activation', 'reconstruction'];
const maxRows = Number(values.rows);

const native = await createOrtRuntime({ backend: 'native', threads: 2 });
const kernels = await createWasmBackend(nodeWasmLoader);
const test = await openDatasetPath(join(fixtures, 'fmnist-test'));
const calibSet = await openDatasetPath(join(fixtures, 'fmnist-calib'));
const input = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
const calibration = await calibrationFromDataset(calibSet, { input, preprocess: spec, limit: Number(values.calib) });

async function accuracy(graph: Graph): Promise<number> {
  const session = await native.createSession(encodeModel(exportModel(graph)));
  try {
    return (await evaluateModel(session, test, { preprocess: spec, batchSize: 1000 })).accuracy!.top1;
  } finally {
    await session.release();
  }
}

interface Row {
  label: string;
  criterion: CriterionName;
  recover: RecoveryOptions;
  steps?: number;
}
const ALL: RecoveryOptions = { compensate: true, lsq: true, bn: true };
const rows: Row[] = [];
for (const c of criteria) {
  rows.push({ label: `${c}, no recovery`, criterion: c, recover: {} });
  rows.push({ label: `${c}, all recovery`, criterion: c, recover: ALL });
}
for (const [name, r] of [['compensate', { compensate: true }], ['lsq', { lsq: true }], ['bn', { bn: true }]] as const)
  rows.push({ label: `reconstruction, ${name} only`, criterion: 'reconstruction', recover: r });
rows.push({ label: 'reconstruction, all, 3 progressive steps', criterion: 'reconstruction', recover: ALL, steps: 3 });

const latencyRuntime: InferenceRuntime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
const started = performance.now();
for (const model of values.models.split(',')) {
  const file = `fmnist-${model}-bn.onnx`;
  const graph = loadGraphFile(join(fixtures, file));
  const base = await accuracy(graph);
  console.log(`\n## ${file} — baseline top-1 ${pct(base)} (10,000 test images)\n`);
  console.log('Cells: top-1 % (change in points) @ MACs actually removed, %.\n');
  console.log(`| plan | ${['0 %', ...levels.map((l) => `${l * 100} %`)].join(' | ')} |`);
  console.log(`|---|${['', ...levels].map(() => '---:').join('|')}|`);
  const pruned = new Map<number, Graph>();
  for (const row of rows) {
    const cells: string[] = [pct(base)];
    for (const level of levels) {
      const { masked, plan } = await pruneModel(graph, {
        criterion: { criterion: row.criterion, normalize: row.criterion === 'reconstruction' ? 'none' : 'mean' },
        recipe: { macsTarget: level, includeFirst: true, includeClassifier: true },
        kernels,
        runtime: native,
        calibration,
        recover: { ...row.recover, lsqOptions: { maxRows } },
        steps: row.steps,
      });
      const a = await accuracy(masked);
      const removedMacs = ((1 - plan.after.macs! / plan.before.macs!) * 100).toFixed(1);
      cells.push(`${pct(a)} (${(a - base >= 0 ? '+' : '') + ((a - base) * 100).toFixed(2)}) @${removedMacs}`);
      if (row.criterion === 'reconstruction' && row.recover === ALL && !row.steps) {
        const removed = cloneGraph(masked);
        removeChannels(removed, plan);
        pruned.set(level, removed);
      }
    }
    console.log(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  const models = [
    { label: 'original', bytes: encodeModel(exportModel(graph)) },
    ...[...pruned].map(([level, g]) => ({ label: `−${level * 100} % MACs`, bytes: encodeModel(exportModel(g)) })),
  ];
  const lat = await compareLatency(latencyRuntime, models, { runs: 60, warmup: 10, batch: 1 });
  console.log(`\nLatency in onnxruntime-web wasm (1 thread, batch 1; median ms; ratio = pruned / original, median over interleaved rounds):\n`);
  for (const m of lat.models) {
    const r = lat.ratios.find((x) => x.a === 'original' && x.b === m.label);
    console.log(`  ${m.label.padEnd(14)} ${m.medianMs.toFixed(3)} ms${r ? `   ratio ${r.ratio.toFixed(3)}` : ''}`);
  }
}
console.log(`\nbench:prune took ${((performance.now() - started) / 60000).toFixed(1)} min`);
kernels.dispose();

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}`;
}

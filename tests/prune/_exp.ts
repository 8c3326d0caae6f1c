import { join } from 'node:path';
import { createOrtRuntime, evaluateModel } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { exportModel } from '../../src/core/graph';
import { encodeModel } from '../../src/core/onnx';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';
import { calibrationFromDataset, pruneModel, type CriterionName } from '../../src/core/prune';
import { FIXTURES, loadGraph } from './helpers';
const spec = { scale: 0.00392156862745098, mean: [0.286], std: [0.353] };
const rt = await createOrtRuntime({ backend: 'native', threads: 2 });
const kernels = await createWasmBackend(nodeWasmLoader);
const test = await openDatasetPath(join(FIXTURES, 'fmnist-test'));
const calibSet = await openDatasetPath(join(FIXTURES, 'fmnist-calib'));
const model = process.env.M ?? 'fmnist-resnet8.onnx';
const g = loadGraph(join(FIXTURES, model));
const input = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
const calibration = await calibrationFromDataset(calibSet, { input, preprocess: spec, limit: Number(process.env.C ?? 1000) });
const limit = Number(process.env.L ?? 2000);
async function acc(graph: typeof g) {
  const s = await rt.createSession(encodeModel(exportModel(graph)));
  const r = await evaluateModel(s, test, { preprocess: spec, limit, batchSize: 500 });
  await s.release();
  return r.accuracy!.top1;
}
console.log('base', (await acc(g) * 100).toFixed(2));
const target = Number(process.env.T ?? 0.4);
const crit = (process.env.CR ?? 'l2') as CriterionName;
for (const rec of (process.env.REC ?? 'none,c,l,cl').split(',')) {
  const t0 = performance.now();
  const { masked, plan, steps } = await pruneModel(g, {
    criterion: { criterion: crit, normalize: (process.env.N ?? 'mean') as 'mean' },
    recipe: { macsTarget: target, global: process.env.G === '1', includeFirst: process.env.F === '1', includeClassifier: process.env.CL === '1', maxGroupRatio: Number(process.env.MX ?? 0.9) },
    kernels, runtime: rt, calibration,
    recover: { compensate: rec.includes('c'), lsq: rec.includes('l'), bn: rec.includes('b'), lsqOptions: { alpha: Number(process.env.A ?? 1e-3), maxRows: Number(process.env.R ?? 20000) } },
    steps: Number(process.env.K ?? 1),
  });
  const a = await acc(masked);
  console.log(rec, crit, 'macs', (1 - plan.after.macs / plan.before.macs).toFixed(3), 'acc', (a * 100).toFixed(2), ((performance.now() - t0) / 1000).toFixed(1) + 's',
    plan.groups.filter(x => x.status !== 'blocked').map(x => `${x.id}:${x.keep}/${x.channels}${x.status === 'excluded' ? 'x' : ''}`).join(' '));
  if (process.env.V) console.log(JSON.stringify(steps.at(-1)?.reconstruction?.layers.map(l => [l.node, l.rows, l.inputs, l.before.toFixed(4), l.after.toFixed(4)])));
}

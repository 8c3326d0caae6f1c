import { join } from 'node:path';
import { randomPlan } from './property';
import { PADDLE, loadGraph, randomFeed, nativeRuntime } from './helpers';
import { applyMask, cloneGraph, removeChannels } from '../../src/core/prune';
import { planCuts } from '../../src/core/prune/apply/cuts';
import { dropIndices } from '../../src/core/prune/tensor-slice';
import { exposeIntermediates } from '../../src/core/eval';
import { exportModel } from '../../src/core/graph';
const f = process.argv[2] ?? 'ch_PP-OCRv4_rec_infer.onnx';
const input = f.includes('det') ? [1, 3, 64, 64] : [1, 3, 48, 160];
const g = loadGraph(join(PADDLE, f));
const plan = randomPlan(g, Number(process.argv[3] ?? 1), Number(process.env.R ?? 0.8));
const masked = cloneGraph(g); applyMask(masked, plan);
const removed = cloneGraph(masked); removeChannels(removed, plan);
const cuts = planCuts(g, plan);
const rt = await nativeRuntime();
const names = masked.nodes().flatMap(n => n.outputs).filter(v => v && !masked.isGraphOutput(v));
const feeds = randomFeed(g.inputs[0].name, input, 1);
const sa = await rt.createSession(exposeIntermediates(exportModel(masked), names));
const sb = await rt.createSession(exposeIntermediates(exportModel(removed), names));
const A = await sa.run(feeds); const B = await sb.run(feeds);
let shown = 0;
for (const n of masked.nodes()) {
  for (const v of n.outputs) {
    if (!v || !A[v] || !B[v] || A[v].type !== 'float32') continue;
    let a = A[v].data as Float32Array; const c = cuts.tensors.get(v);
    if (c) a = dropIndices(a, A[v].dims as number[], c.axis, [...c.indices].sort((x, y) => x - y)).data as Float32Array;
    const b = B[v].data as Float32Array;
    if (a.length !== b.length) { console.log('len', v, n.opType, a.length, b.length); continue; }
    let d = 0, s = 0; for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(a[i])); }
    if (d / (s || 1) > Number(process.env.T ?? 3e-6) && shown++ < 12) console.log(n.opType, n.name, v, (d / (s || 1)).toExponential(2), 'max', s.toExponential(2), A[v].dims.join('x'));
  }
}

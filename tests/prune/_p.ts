import { join } from 'node:path';
import { checkPlan, randomPlan } from './property';
import { PADDLE, loadGraph, randomFeed } from './helpers';
const models = [
  ['ch_ppocr_mobile_v2.0_cls_infer.onnx', [1, 3, 48, 192]],
  ['ch_PP-OCRv4_det_infer.onnx', [1, 3, 64, 64]],
  ['ch_PP-OCRv4_rec_infer.onnx', [1, 3, 48, 160]],
] as const;
for (const [f, input] of models) {
  const g = loadGraph(join(PADDLE, f));
  for (let seed = 1; seed <= 4; seed++) {
    const t0 = performance.now();
    try {
      const plan = randomPlan(g, seed, Number(process.env.R ?? 0.8));
      const r = await checkPlan(g, plan, randomFeed(g.inputs[0].name, [...input], seed));
      console.log(f, seed, 'pruned', plan.prunedChannels, 'err', r.error.toExponential(2), 'changed', r.changed.toExponential(2), 'macs', r.macs, 'params', r.parameters, ((performance.now()-t0)/1000).toFixed(1)+'s');
    } catch (e) { console.log(f, seed, 'FAIL', (e as Error).message.slice(0, 400)); }
  }
}

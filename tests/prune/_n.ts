import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { randomPlan } from './property';
import { PADDLE, loadGraph, randomFeed, relativeError, runGraph } from './helpers';
import { applyMask, cloneGraph, removeChannels } from '../../src/core/prune';
import { exportModel } from '../../src/core/graph';
import { encodeModel } from '../../src/core/onnx';
for (const [f, input] of [['ch_PP-OCRv4_det_infer.onnx', [1, 3, 64, 64]], ['ch_PP-OCRv4_rec_infer.onnx', [1, 3, 48, 160]]] as const) {
  const g = loadGraph(join(PADDLE, f));
  for (let seed = 1; seed <= 4; seed++) {
    const plan = randomPlan(g, seed, 0.5);
    const masked = cloneGraph(g); applyMask(masked, plan);
    const removed = cloneGraph(masked); removeChannels(removed, plan);
    const feeds = randomFeed(g.inputs[0].name, [...input], seed);
    const a = await runGraph(masked, feeds); const b = await runGraph(removed, feeds);
    const s = await ort.InferenceSession.create(encodeModel(exportModel(masked)), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const fe = feeds[g.inputs[0].name];
    const o = await s.run({ [g.inputs[0].name]: new ort.Tensor('float32', fe.data as Float32Array, fe.dims as number[]) });
    const c = o[s.outputNames[0]].data as Float32Array;
    console.log(f, seed, 'removal', relativeError(a, b).toExponential(2), 'noise(all vs disabled)', relativeError(a, c).toExponential(2));
  }
}

import { join } from 'node:path';
import { checkPlan, randomPlan } from './property';
import { FIXTURES, graphFromBytes, loadGraph, randomFeed } from './helpers';
import { builderFixtures } from './fixtures';
const models = [
  ...['fmnist-resnet8.onnx', 'fmnist-resnet8-bn.onnx', 'fmnist-mobilenetv2.onnx', 'fmnist-mobilenetv2-bn.onnx'].map((f) => ({ name: f, g: loadGraph(join(FIXTURES, f)), input: [2, 1, 28, 28], inName: 'input' })),
  ...builderFixtures().map((f) => ({ name: f.name, g: graphFromBytes(f.bytes), input: f.input, inName: 'x' })),
];
for (const m of models) {
  for (let seed = 1; seed <= 3; seed++) {
    try {
      const plan = randomPlan(m.g, seed);
      const r = await checkPlan(m.g, plan, randomFeed(m.inName, m.input, seed));
      console.log(m.name, seed, 'pruned', plan.prunedChannels, 'err', r.error.toExponential(2), 'changed', r.changed.toExponential(2), 'macs', r.macs, 'params', r.parameters);
    } catch (e) { console.log(m.name, seed, 'FAIL', (e as Error).message.slice(0, 300)); }
  }
}

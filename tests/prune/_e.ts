import { join } from 'node:path';
import { FIXTURES, loadGraph } from './helpers';
import { randomPlan } from './property';
import { applyMask, cloneGraph, removeChannels } from '../../src/core/prune';
import { elementCount } from '../../src/core/onnx';
const g = loadGraph(join(FIXTURES, 'fmnist-resnet8-bn.onnx'));
const plan = randomPlan(g, 1);
const m = cloneGraph(g); applyMask(m, plan); const r = cloneGraph(m); removeChannels(r, plan);
console.log('orig inits', g.initializers.size, 'removed inits', r.initializers.size);
for (const [n] of g.initializers) if (!r.initializers.has(n)) console.log('missing', n, elementCount(g.initializers.get(n)!));
for (const [n] of r.initializers) if (!g.initializers.has(n)) console.log('new', n);
import { planCuts } from '../../src/core/prune/apply/cuts';
const cuts = planCuts(g, plan);
for (const [n, t] of g.initializers) {
  const dims = t.dims.map(Number);
  let kept = elementCount(t);
  for (const [axis, c] of cuts.params.get(n) ?? []) kept *= 1 - c.indices.size / dims[axis];
  const actual = elementCount(r.initializers.get(n)!);
  if (Math.abs(kept - actual) > 0.01) console.log(n, dims, 'expected', kept, 'actual', actual, [...(cuts.params.get(n) ?? [])].map(([a, c]) => [a, c.indices.size]));
}
for (const gr of plan.groups) for (const mm of gr.members) if (mm.name.includes('shortcut.1') || mm.name.includes('bn2')) console.log(gr.id, mm.role, mm.name, mm.axis, mm.extent);

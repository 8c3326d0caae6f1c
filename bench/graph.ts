/**
 * Import + shape inference time against graph size: prints ms per graph and per 1,000 nodes, so a
 * superlinear step shows as a growing ratio. Goal: a 5,000-node graph well under a second.
 */
import { importModel, inferShapes } from '../src/core/graph';
import { decodeModel } from '../src/core/onnx';
import { syntheticModel } from '../tests/graph/synthetic';

function time(f: () => void, runs = 5): number {
  f(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) f();
  return (performance.now() - t0) / runs;
}

const rows: string[] = [];
let base = 0;
for (const blocks of [50, 500, 1000]) {
  const { bytes } = syntheticModel(blocks).build();
  const nodes = blocks * 10;
  const model = decodeModel(bytes);
  const ms = time(() => inferShapes(importModel(model)));
  const decodeMs = time(() => decodeModel(bytes));
  const per1k = (ms / nodes) * 1000;
  if (!base) base = per1k;
  rows.push(
    `${String(nodes).padStart(6)} nodes  import+infer ${ms.toFixed(1).padStart(7)} ms  (${per1k.toFixed(2)} ms/1k nodes, ×${(per1k / base).toFixed(2)} vs smallest)  decode ${decodeMs.toFixed(1)} ms`,
  );
}
console.log(rows.join('\n'));

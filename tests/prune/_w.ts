import { createOrtRuntime } from '../../src/core/eval';
import { exportModel, inferShapes, typeProtoOf } from '../../src/core/graph';
import { emptyValueInfo, encodeModel } from '../../src/core/onnx';
import { FIXTURES, loadGraph, randomFeed } from './helpers';
import { join } from 'node:path';
const rt = await createOrtRuntime({ backend: 'wasm' });
const g = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
const shapes = inferShapes(g);
for (const name of g.nodes().map(n => n.outputs[0])) {
  const model = exportModel(g, shapes);
  const t = shapes.types.get(name);
  if (!g.isGraphOutput(name)) model.graph!.output.push(emptyValueInfo({ name, ...(t ? { type: typeProtoOf(t) } : {}) }));
  const s = await rt.createSession(encodeModel(model));
  try { const o = await s.run(randomFeed('input', [2, 1, 28, 28], 1), [name]); console.log(name, 'ok', o[name].dims); }
  catch (e) { console.log(name, 'FAIL', (e as Error).message.slice(0, 80), JSON.stringify(t)); }
}

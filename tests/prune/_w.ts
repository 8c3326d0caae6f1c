import { createOrtRuntime } from '../../src/core/eval';
import { exportModel, inferShapes, typeProtoOf } from '../../src/core/graph';
import { emptyNode, emptyValueInfo, encodeModel } from '../../src/core/onnx';
import { FIXTURES, loadGraph, randomFeed } from './helpers';
import { join } from 'node:path';
const rt = await createOrtRuntime({ backend: 'wasm' });
const g = loadGraph(join(FIXTURES, 'fmnist-resnet8.onnx'));
const shapes = inferShapes(g);
for (const name of ['/layer2/conv2/Conv_output_0', '/layer3/conv2/Conv_output_0']) {
  const model = exportModel(g, shapes);
  const t = shapes.types.get(name);
  model.graph!.node.push(emptyNode({ opType: 'Identity', input: [name], output: [name + '#cap'], name: 'cap' }));
  model.graph!.output.push(emptyValueInfo({ name: name + '#cap', ...(t ? { type: typeProtoOf(t) } : {}) }));
  const s = await rt.createSession(encodeModel(model));
  try { const o = await s.run(randomFeed('input', [2, 1, 28, 28], 1), [name + '#cap']); console.log(name, 'ok', o[name + '#cap'].dims); }
  catch (e) { console.log(name, 'FAIL', (e as Error).message.slice(0, 80), JSON.stringify(t)); }
}

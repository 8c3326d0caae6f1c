import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '/work/main/src/core/onnx';
const out = '/tmp/q/opt.onnx';
await ort.InferenceSession.create(process.argv[2], { graphOptimizationLevel: 'extended', optimizedModelFilePath: out });
const m = decodeModel(new Uint8Array(readFileSync(out)));
const c: Record<string, number> = {};
for (const n of m.graph!.node) c[n.opType] = (c[n.opType] ?? 0) + 1;
console.log(c);

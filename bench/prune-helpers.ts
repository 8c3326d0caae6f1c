import { readFileSync } from 'node:fs';
import { importModel, type Graph } from '../src/core/graph';
import { decodeModel } from '../src/core/onnx';

export function loadGraphFile(path: string): Graph {
  return importModel(decodeModel(new Uint8Array(readFileSync(path))));
}

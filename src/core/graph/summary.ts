/** A one-screen description of a model: interface, ops, costs. */
import { dataTypeName } from '../onnx';
import type { Model } from '../onnx/types';
import { costModel } from './cost';
import { importModel } from './import';
import { inferShapes } from './infer/infer-shapes';
import type { TensorType } from './types';

export interface TensorInfo {
  name: string;
  /** Element type as onnxruntime names it, e.g. `'float32'`. */
  dtype: string;
  /** Sizes and symbols (`'batch'`); an unknown rank is `[]`. */
  shape: (number | string)[];
}

export interface ModelSummary {
  name: string;
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodeCount: number;
  /** Nodes per op type as in the file (Constant nodes included), by count descending then name. */
  opHistogram: { op: string; count: number }[];
  parameters: number;
  /** Multiply-accumulates at batch 1 (nodes whose size depends on an unbound spatial symbol count 0). */
  macs: number;
  otherOps: number;
  initializerBytes: number;
  fileBytes?: number;
}

const info = (name: string, t: TensorType | undefined): TensorInfo => ({
  name,
  dtype: dataTypeName(t?.dtype ?? 0),
  shape: t?.shape ? [...t.shape] : [],
});

/** Summarises `model` (`fileBytes`: the size of the file it came from, passed through). */
export function summarizeModel(model: Model, fileBytes?: number): ModelSummary {
  const graph = importModel(model);
  const shapes = inferShapes(graph);
  const cost = costModel(graph, shapes);
  const counts = new Map<string, number>();
  for (const n of model.graph?.node ?? []) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  const opHistogram = [...counts]
    .map(([op, count]) => ({ op, count }))
    .sort((a, b) => b.count - a.count || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
  const summary: ModelSummary = {
    name: model.graph?.name ?? '',
    irVersion: Number(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })),
    inputs: graph.inputs.map((v) => info(v.name, shapes.types.get(v.name))),
    outputs: graph.outputs.map((v) => info(v.name, shapes.types.get(v.name))),
    nodeCount: model.graph?.node.length ?? 0,
    opHistogram,
    parameters: cost.parameters,
    macs: cost.macs,
    otherOps: cost.otherOps,
    initializerBytes: cost.initializerBytes,
  };
  if (fileBytes !== undefined) summary.fileBytes = fileBytes;
  return summary;
}

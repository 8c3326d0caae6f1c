/** A one-screen description of a model: interface, ops, costs. */
import { dataTypeName } from '../onnx';
import type { Model } from '../onnx/types';
import { costModel } from './cost';
import { importModel } from './import';
import { inferShapes } from './infer/infer-shapes';
import { imageInputShapes, symbolicInputs } from './input-size';
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
  /** Multiply-accumulates at batch 1, or null while they depend on an input size nobody bound. */
  macs: number | null;
  otherOps: number | null;
  initializerBytes: number;
  fileBytes?: number;
  /** Inputs whose size is symbolic beyond the batch: MACs are null until an image size binds them. */
  symbolicInputs: TensorInfo[];
  /** The shapes costs were counted at, when an image size was given. */
  costInputShapes?: Record<string, number[]>;
}

export interface SummaryOptions {
  /** Height and width to count costs at, for a model whose input size is symbolic. */
  imageSize?: readonly [number, number];
}

const info = (name: string, t: TensorType | undefined): TensorInfo => ({
  name,
  dtype: dataTypeName(t?.dtype ?? 0),
  shape: t?.shape ? [...t.shape] : [],
});

/**
 * Summarises `model` (`fileBytes`: the size of the file it came from, passed through).
 * @throws InputSizeError when `imageSize` cannot fix the model's symbolic input dims.
 */
export function summarizeModel(model: Model, fileBytes?: number, options: SummaryOptions = {}): ModelSummary {
  const graph = importModel(model);
  const shapes = inferShapes(graph);
  const symbolic = symbolicInputs(graph, shapes);
  const inputShapes =
    options.imageSize && symbolic.length ? imageInputShapes(graph, shapes, options.imageSize) : undefined;
  const cost = costModel(graph, shapes, { inputShapes });
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
    symbolicInputs: inputShapes ? [] : symbolic.map((s) => info(s.name, shapes.types.get(s.name))),
  };
  if (inputShapes) summary.costInputShapes = inputShapes;
  if (fileBytes !== undefined) summary.fileBytes = fileBytes;
  return summary;
}

import { emitAttribute, emitGraph, emitNode } from './encode-graph';
import { emitEntry } from './encode-tensor';
import { emitValueInfo } from './encode-type';
import type { FunctionProto, Model, OperatorSetId, TrainingInfo } from './types';
import { SizeSink, WriteSink, type Sink } from './wire-writer';

function emitOperatorSetId(s: Sink, m: OperatorSetId): void {
  if (m.domain) s.string(1, m.domain);
  s.int64(2, m.version);
  s.raw(m.unknownFields);
}

function emitTrainingInfo(s: Sink, m: TrainingInfo): void {
  if (m.initialization) s.message(1, m.initialization, emitGraph);
  if (m.algorithm) s.message(2, m.algorithm, emitGraph);
  for (const e of m.initializationBinding) s.message(3, e, emitEntry);
  for (const e of m.updateBinding) s.message(4, e, emitEntry);
  s.raw(m.unknownFields);
}

function emitFunction(s: Sink, m: FunctionProto): void {
  if (m.name) s.string(1, m.name);
  for (const v of m.input) s.string(4, v);
  for (const v of m.output) s.string(5, v);
  for (const v of m.attribute) s.string(6, v);
  for (const n of m.node) s.message(7, n, emitNode);
  if (m.docString) s.string(8, m.docString);
  for (const o of m.opsetImport) s.message(9, o, emitOperatorSetId);
  if (m.domain) s.string(10, m.domain);
  for (const a of m.attributeProto) s.message(11, a, emitAttribute);
  for (const v of m.valueInfo) s.message(12, v, emitValueInfo);
  if (m.overload) s.string(13, m.overload);
  for (const e of m.metadataProps) s.message(14, e, emitEntry);
  s.raw(m.unknownFields);
}

function emitModel(s: Sink, m: Model): void {
  if (m.irVersion) s.int64(1, m.irVersion);
  if (m.producerName) s.string(2, m.producerName);
  if (m.producerVersion) s.string(3, m.producerVersion);
  if (m.domain) s.string(4, m.domain);
  if (m.modelVersion) s.int64(5, m.modelVersion);
  if (m.docString) s.string(6, m.docString);
  if (m.graph) s.message(7, m.graph, emitGraph);
  for (const o of m.opsetImport) s.message(8, o, emitOperatorSetId);
  for (const e of m.metadataProps) s.message(14, e, emitEntry);
  for (const t of m.trainingInfo) s.message(20, t, emitTrainingInfo);
  for (const f of m.functions) s.message(25, f, emitFunction);
  for (const c of m.configuration) s.bytes(26, c);
  s.raw(m.unknownFields);
}

/** Options for {@link encodeModel}. */
export interface EncodeOptions {
  /**
   * `'keep'` (default) writes external tensors as references (location/offset/length), exactly as
   * decoded; `'inline'` writes their resolved bytes into `raw_data`, giving one self-contained file.
   */
  externalData?: 'keep' | 'inline';
}

/**
 * Encodes a model as ONNX protobuf bytes in two passes: the first measures every message, the
 * second writes into one buffer of the exact size (tensor payloads copied once with `set`).
 */
export function encodeModel(model: Model, opts: EncodeOptions = {}): Uint8Array {
  const inline = opts.externalData === 'inline';
  const sizer = new SizeSink(inline);
  emitModel(sizer, model);
  const writer = new WriteSink(inline, sizer.lengths, sizer.n);
  emitModel(writer, model);
  return writer.finish();
}

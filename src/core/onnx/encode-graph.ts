import { emitEntry, emitSparseTensor, emitTensor } from './encode-tensor';
import { emitTypeProto, emitValueInfo } from './encode-type';
import type { Attribute, Graph, Node, TensorAnnotation } from './types';
import type { Sink } from './wire-writer';

export function emitAttribute(s: Sink, m: Attribute): void {
  if (m.name) s.string(1, m.name);
  if (m.f !== undefined) s.float(2, m.f);
  if (m.i !== undefined) s.int64(3, m.i);
  if (m.s) s.bytes(4, m.s);
  if (m.t) s.message(5, m.t, emitTensor);
  if (m.g) s.message(6, m.g, emitGraph);
  for (const v of m.floats) s.float(7, v);
  for (const v of m.ints) s.int64(8, v);
  for (const v of m.strings) s.bytes(9, v);
  for (const v of m.tensors) s.message(10, v, emitTensor);
  for (const v of m.graphs) s.message(11, v, emitGraph);
  if (m.docString) s.string(13, m.docString);
  if (m.tp) s.message(14, m.tp, emitTypeProto);
  for (const v of m.typeProtos) s.message(15, v, emitTypeProto);
  if (m.type) s.int32(20, m.type);
  if (m.refAttrName) s.string(21, m.refAttrName);
  if (m.sparseTensor) s.message(22, m.sparseTensor, emitSparseTensor);
  for (const v of m.sparseTensors) s.message(23, v, emitSparseTensor);
  s.raw(m.unknownFields);
}

export function emitNode(s: Sink, m: Node): void {
  for (const v of m.input) s.string(1, v);
  for (const v of m.output) s.string(2, v);
  if (m.name) s.string(3, m.name);
  if (m.opType) s.string(4, m.opType);
  for (const a of m.attribute) s.message(5, a, emitAttribute);
  if (m.docString) s.string(6, m.docString);
  if (m.domain) s.string(7, m.domain);
  if (m.overload) s.string(8, m.overload);
  for (const e of m.metadataProps) s.message(9, e, emitEntry);
  for (const c of m.deviceConfigurations) s.bytes(10, c);
  s.raw(m.unknownFields);
}

function emitTensorAnnotation(s: Sink, m: TensorAnnotation): void {
  if (m.tensorName) s.string(1, m.tensorName);
  for (const e of m.quantParameterTensorNames) s.message(2, e, emitEntry);
  s.raw(m.unknownFields);
}

export function emitGraph(s: Sink, m: Graph): void {
  for (const n of m.node) s.message(1, n, emitNode);
  if (m.name) s.string(2, m.name);
  for (const t of m.initializer) s.message(5, t, emitTensor);
  if (m.docString) s.string(10, m.docString);
  for (const v of m.input) s.message(11, v, emitValueInfo);
  for (const v of m.output) s.message(12, v, emitValueInfo);
  for (const v of m.valueInfo) s.message(13, v, emitValueInfo);
  for (const a of m.quantizationAnnotation) s.message(14, a, emitTensorAnnotation);
  for (const t of m.sparseInitializer) s.message(15, t, emitSparseTensor);
  for (const e of m.metadataProps) s.message(16, e, emitEntry);
  s.raw(m.unknownFields);
}

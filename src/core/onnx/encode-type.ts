import { emitEntry } from './encode-tensor';
import type { Dimension, TensorShape, TypeProto, ValueInfo } from './types';
import type { Sink } from './wire-writer';

function emitDimension(s: Sink, m: Dimension): void {
  if (m.dimValue !== undefined) s.int64(1, m.dimValue);
  else if (m.dimParam !== undefined) s.string(2, m.dimParam);
  if (m.denotation) s.string(3, m.denotation);
  s.raw(m.unknownFields);
}

function emitShape(s: Sink, m: TensorShape): void {
  for (const d of m.dim) s.message(1, d, emitDimension);
  s.raw(m.unknownFields);
}

type ElemAndShape = NonNullable<TypeProto['tensorType']>;

function emitElemAndShape(s: Sink, m: ElemAndShape): void {
  if (m.elemType) s.int32(1, m.elemType);
  if (m.shape) s.message(2, m.shape, emitShape);
  s.raw(m.unknownFields);
}

type Wrapper = NonNullable<TypeProto['sequenceType']>;

function emitWrapper(s: Sink, m: Wrapper): void {
  if (m.elemType) s.message(1, m.elemType, emitTypeProto);
  s.raw(m.unknownFields);
}

function emitMap(s: Sink, m: NonNullable<TypeProto['mapType']>): void {
  if (m.keyType) s.int32(1, m.keyType);
  if (m.valueType) s.message(2, m.valueType, emitTypeProto);
  s.raw(m.unknownFields);
}

function emitOpaque(s: Sink, m: NonNullable<TypeProto['opaqueType']>): void {
  if (m.domain) s.string(1, m.domain);
  if (m.name) s.string(2, m.name);
  s.raw(m.unknownFields);
}

export function emitTypeProto(s: Sink, m: TypeProto): void {
  if (m.tensorType) s.message(1, m.tensorType, emitElemAndShape);
  if (m.sequenceType) s.message(4, m.sequenceType, emitWrapper);
  if (m.mapType) s.message(5, m.mapType, emitMap);
  if (m.denotation) s.string(6, m.denotation);
  if (m.opaqueType) s.message(7, m.opaqueType, emitOpaque);
  if (m.sparseTensorType) s.message(8, m.sparseTensorType, emitElemAndShape);
  if (m.optionalType) s.message(9, m.optionalType, emitWrapper);
  s.raw(m.unknownFields);
}

export function emitValueInfo(s: Sink, m: ValueInfo): void {
  if (m.name) s.string(1, m.name);
  if (m.type) s.message(2, m.type, emitTypeProto);
  if (m.docString) s.string(3, m.docString);
  for (const e of m.metadataProps) s.message(4, e, emitEntry);
  s.raw(m.unknownFields);
}

import {
  DataLocation,
  type SparseTensor,
  type StringStringEntry,
  type Tensor,
  type TensorSegment,
} from './types';
import type { Sink } from './wire-writer';

// Fields are written in field-number order, as protobuf's own serializers do, then unknown fields.
// proto2 `repeated` scalars without [packed = true] (dims) are written unpacked, like protobuf does.

export function emitEntry(s: Sink, m: StringStringEntry): void {
  if (m.key) s.string(1, m.key);
  if (m.value) s.string(2, m.value);
  s.raw(m.unknownFields);
}

function emitSegment(s: Sink, m: TensorSegment): void {
  s.int64(1, m.begin);
  s.int64(2, m.end);
  s.raw(m.unknownFields);
}

/** `TensorProto`. A resolved external tensor is written inline when the sink asks for it. */
export function emitTensor(s: Sink, m: Tensor): void {
  const inline = s.inlineExternal && m.dataLocation === DataLocation.EXTERNAL && m.rawData !== undefined;
  const external = m.dataLocation === DataLocation.EXTERNAL && !inline;
  for (const d of m.dims) s.int64(1, d);
  if (m.dataType) s.int32(2, m.dataType);
  if (m.segment) s.message(3, m.segment, emitSegment);
  if (m.floatData) s.packedF32(4, m.floatData);
  if (m.int32Data) s.packedInt32(5, m.int32Data);
  if (m.stringData) for (const b of m.stringData) s.bytes(6, b);
  if (m.int64Data) s.packedInt64(7, m.int64Data);
  if (m.name) s.string(8, m.name);
  if (m.rawData && !external) s.bytes(9, m.rawData);
  if (m.doubleData) s.packedF64(10, m.doubleData);
  if (m.uint64Data) s.packedInt64(11, m.uint64Data);
  if (m.docString) s.string(12, m.docString);
  if (!inline) {
    for (const e of m.externalData) s.message(13, e, emitEntry);
    if (m.dataLocation) s.int32(14, m.dataLocation);
  }
  for (const e of m.metadataProps) s.message(16, e, emitEntry);
  s.raw(m.unknownFields);
}

export function emitSparseTensor(s: Sink, m: SparseTensor): void {
  if (m.values) s.message(1, m.values, emitTensor);
  if (m.indices) s.message(2, m.indices, emitTensor);
  for (const d of m.dims) s.int64(3, d);
  s.raw(m.unknownFields);
}

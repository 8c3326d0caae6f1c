import { emptyTensor } from './factories';
import { resolveExternalData } from './external-data';
import {
  DataLocation,
  type SparseTensor,
  type StringStringEntry,
  type Tensor,
  type TensorSegment,
} from './types';
import { I32, I64, LEN, VARINT, fieldMask, type ProtoReader } from './wire-reader';
import {
  joinRuns,
  pushInt64s,
  readF32Run,
  readF64Run,
  readInt32Run,
  readInt64Run,
  readUint64Run,
} from './wire-repeated';

const ENTRY_FIELDS = fieldMask(1, 2);

/** `StringStringEntryProto`: key = 1, value = 2. */
export function decodeEntry(r: ProtoReader): StringStringEntry {
  const m: StringStringEntry = { key: '', value: '' };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.key = r.string();
    else if (tag === ((2 << 3) | LEN)) m.value = r.string();
    else r.other(tag, at, ENTRY_FIELDS, m);
  }
  return m;
}

const SEGMENT_FIELDS = fieldMask(1, 2);

function decodeSegment(r: ProtoReader): TensorSegment {
  const m: TensorSegment = { begin: 0n, end: 0n };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | VARINT)) m.begin = r.int64();
    else if (tag === ((2 << 3) | VARINT)) m.end = r.int64();
    else r.other(tag, at, SEGMENT_FIELDS, m);
  }
  return m;
}

const TENSOR_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16);

/**
 * `TensorProto`. Payload fields become typed arrays (views over the file where aligned); a field
 * that arrives in several chunks (unpacked or split) is joined once at the end.
 */
export function decodeTensor(r: ProtoReader): Tensor {
  const outerKind = r.whereKind;
  const outerName = r.whereName;
  r.whereKind = 'tensor';
  r.whereName = '';
  const m = emptyTensor();
  let floats: Float32Array[] | undefined;
  let int32s: Int32Array[] | undefined;
  let int64s: BigInt64Array[] | undefined;
  let doubles: Float64Array[] | undefined;
  let uint64s: BigUint64Array[] | undefined;
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wire !== VARINT && wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        pushInt64s(r, wire, m.dims);
        break;
      case 2:
        if (wire !== VARINT) r.other(tag, at, TENSOR_FIELDS, m);
        m.dataType = r.int32();
        break;
      case 3:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        m.segment = r.message(decodeSegment);
        break;
      case 4:
        if (wire !== LEN && wire !== I32) r.other(tag, at, TENSOR_FIELDS, m);
        (floats ??= []).push(readF32Run(r, wire));
        break;
      case 5:
        if (wire !== LEN && wire !== VARINT) r.other(tag, at, TENSOR_FIELDS, m);
        (int32s ??= []).push(readInt32Run(r, wire));
        break;
      case 6:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        (m.stringData ??= []).push(r.bytesView());
        break;
      case 7:
        if (wire !== LEN && wire !== VARINT) r.other(tag, at, TENSOR_FIELDS, m);
        (int64s ??= []).push(readInt64Run(r, wire));
        break;
      case 8:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        m.name = r.string();
        r.whereName = m.name;
        break;
      case 9:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        m.rawData = r.bytesView();
        break;
      case 10:
        if (wire !== LEN && wire !== I64) r.other(tag, at, TENSOR_FIELDS, m);
        (doubles ??= []).push(readF64Run(r, wire));
        break;
      case 11:
        if (wire !== LEN && wire !== VARINT) r.other(tag, at, TENSOR_FIELDS, m);
        (uint64s ??= []).push(readUint64Run(r, wire));
        break;
      case 12:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        m.docString = r.string();
        break;
      case 13:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        m.externalData.push(r.message(decodeEntry));
        break;
      case 14:
        if (wire !== VARINT) r.other(tag, at, TENSOR_FIELDS, m);
        m.dataLocation = r.int32();
        break;
      case 16:
        if (wire !== LEN) r.other(tag, at, TENSOR_FIELDS, m);
        m.metadataProps.push(r.message(decodeEntry));
        break;
      default:
        r.other(tag, at, TENSOR_FIELDS, m);
    }
  }
  if (floats) m.floatData = joinRuns(floats);
  if (int32s) m.int32Data = joinRuns(int32s);
  if (int64s) m.int64Data = joinRuns(int64s);
  if (doubles) m.doubleData = joinRuns(doubles);
  if (uint64s) m.uint64Data = joinRuns(uint64s);
  if (m.dataLocation === DataLocation.EXTERNAL) m.rawData = resolveExternalData(r, m);
  r.whereKind = outerKind;
  r.whereName = outerName;
  return m;
}

const SPARSE_FIELDS = fieldMask(1, 2, 3);

/** `SparseTensorProto`: values = 1, indices = 2, dims = 3. */
export function decodeSparseTensor(r: ProtoReader): SparseTensor {
  const m: SparseTensor = { dims: [] };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    const wire = tag & 7;
    if (tag === ((1 << 3) | LEN)) m.values = r.message(decodeTensor);
    else if (tag === ((2 << 3) | LEN)) m.indices = r.message(decodeTensor);
    else if (tag >>> 3 === 3 && (wire === LEN || wire === VARINT)) pushInt64s(r, wire, m.dims);
    else r.other(tag, at, SPARSE_FIELDS, m);
  }
  return m;
}

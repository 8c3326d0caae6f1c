import { emptyValueInfo } from './factories';
import { decodeEntry } from './decode-tensor';
import type { Dimension, TensorShape, TypeProto, UnknownFields, ValueInfo } from './types';
import { LEN, VARINT, fieldMask, type ProtoReader } from './wire-reader';

const DIM_FIELDS = fieldMask(1, 2, 3);

function decodeDimension(r: ProtoReader): Dimension {
  const m: Dimension = { denotation: '' };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    // dim_value and dim_param are a oneof: the last one seen wins.
    if (tag === ((1 << 3) | VARINT)) {
      m.dimValue = r.int64();
      if (m.dimParam !== undefined) delete m.dimParam;
    } else if (tag === ((2 << 3) | LEN)) {
      m.dimParam = r.string();
      if (m.dimValue !== undefined) delete m.dimValue;
    } else if (tag === ((3 << 3) | LEN)) m.denotation = r.string();
    else r.other(tag, at, DIM_FIELDS, m);
  }
  return m;
}

const SHAPE_FIELDS = fieldMask(1);

function decodeShape(r: ProtoReader): TensorShape {
  const m: TensorShape = { dim: [] };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.dim.push(r.message(decodeDimension));
    else r.other(tag, at, SHAPE_FIELDS, m);
  }
  return m;
}

type ElemAndShape = { elemType: number; shape?: TensorShape; unknownFields?: UnknownFields };
const ELEM_SHAPE_FIELDS = fieldMask(1, 2);

/** `TypeProto.Tensor` and `TypeProto.SparseTensor`: elem_type = 1, shape = 2. */
function decodeElemAndShape(r: ProtoReader): ElemAndShape {
  const m: ElemAndShape = { elemType: 0 };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | VARINT)) m.elemType = r.int32();
    else if (tag === ((2 << 3) | LEN)) m.shape = r.message(decodeShape);
    else r.other(tag, at, ELEM_SHAPE_FIELDS, m);
  }
  return m;
}

type Wrapper = { elemType?: TypeProto; unknownFields?: UnknownFields };
const WRAPPER_FIELDS = fieldMask(1);

/** `TypeProto.Sequence` and `TypeProto.Optional`: elem_type = 1. */
function decodeWrapper(r: ProtoReader): Wrapper {
  const m: Wrapper = {};
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.elemType = r.message(decodeTypeProto);
    else r.other(tag, at, WRAPPER_FIELDS, m);
  }
  return m;
}

type MapType = NonNullable<TypeProto['mapType']>;
const MAP_FIELDS = fieldMask(1, 2);

function decodeMap(r: ProtoReader): MapType {
  const m: MapType = { keyType: 0 };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | VARINT)) m.keyType = r.int32();
    else if (tag === ((2 << 3) | LEN)) m.valueType = r.message(decodeTypeProto);
    else r.other(tag, at, MAP_FIELDS, m);
  }
  return m;
}

type OpaqueType = NonNullable<TypeProto['opaqueType']>;
const OPAQUE_FIELDS = fieldMask(1, 2);

function decodeOpaque(r: ProtoReader): OpaqueType {
  const m: OpaqueType = { domain: '', name: '' };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.domain = r.string();
    else if (tag === ((2 << 3) | LEN)) m.name = r.string();
    else r.other(tag, at, OPAQUE_FIELDS, m);
  }
  return m;
}

const TYPE_FIELDS = fieldMask(1, 4, 5, 6, 7, 8, 9);

/** `TypeProto`: tensor = 1, sequence = 4, map = 5, denotation = 6, opaque = 7 (ONNX-ML), sparse = 8, optional = 9. */
export function decodeTypeProto(r: ProtoReader): TypeProto {
  const m: TypeProto = { denotation: '' };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        m.tensorType = r.message(decodeElemAndShape);
        break;
      case (4 << 3) | LEN:
        m.sequenceType = r.message(decodeWrapper);
        break;
      case (5 << 3) | LEN:
        m.mapType = r.message(decodeMap);
        break;
      case (6 << 3) | LEN:
        m.denotation = r.string();
        break;
      case (7 << 3) | LEN:
        m.opaqueType = r.message(decodeOpaque);
        break;
      case (8 << 3) | LEN:
        m.sparseTensorType = r.message(decodeElemAndShape);
        break;
      case (9 << 3) | LEN:
        m.optionalType = r.message(decodeWrapper);
        break;
      default:
        r.other(tag, at, TYPE_FIELDS, m);
    }
  }
  return m;
}

const VALUE_INFO_FIELDS = fieldMask(1, 2, 3, 4);

/** `ValueInfoProto`: name = 1, type = 2, doc_string = 3, metadata_props = 4. */
export function decodeValueInfo(r: ProtoReader): ValueInfo {
  const m = emptyValueInfo();
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.name = r.string();
    else if (tag === ((2 << 3) | LEN)) m.type = r.message(decodeTypeProto);
    else if (tag === ((3 << 3) | LEN)) m.docString = r.string();
    else if (tag === ((4 << 3) | LEN)) m.metadataProps.push(r.message(decodeEntry));
    else r.other(tag, at, VALUE_INFO_FIELDS, m);
  }
  return m;
}

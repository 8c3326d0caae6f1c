import { DataLocation, DataType, type Tensor } from './types';

/** Any typed array a tensor's values can be viewed as. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

type ValuesCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorValues;
  new (length: number): TensorValues;
  BYTES_PER_ELEMENT: number;
};

interface DataTypeInfo {
  name: string;
  /** Bytes per element; fractional for sub-byte types (4-bit: 0.5, 2-bit: 0.25); 0 for strings. */
  bytes: number;
  /** The typed array its values are viewed as (bit patterns for float16/bfloat16/float8/packed). */
  view: ValuesCtor;
}

const INFO: Record<number, DataTypeInfo> = {
  [DataType.FLOAT]: { name: 'float32', bytes: 4, view: Float32Array },
  [DataType.UINT8]: { name: 'uint8', bytes: 1, view: Uint8Array },
  [DataType.INT8]: { name: 'int8', bytes: 1, view: Int8Array },
  [DataType.UINT16]: { name: 'uint16', bytes: 2, view: Uint16Array },
  [DataType.INT16]: { name: 'int16', bytes: 2, view: Int16Array },
  [DataType.INT32]: { name: 'int32', bytes: 4, view: Int32Array },
  [DataType.INT64]: { name: 'int64', bytes: 8, view: BigInt64Array },
  [DataType.STRING]: { name: 'string', bytes: 0, view: Uint8Array },
  [DataType.BOOL]: { name: 'bool', bytes: 1, view: Uint8Array },
  [DataType.FLOAT16]: { name: 'float16', bytes: 2, view: Uint16Array },
  [DataType.DOUBLE]: { name: 'float64', bytes: 8, view: Float64Array },
  [DataType.UINT32]: { name: 'uint32', bytes: 4, view: Uint32Array },
  [DataType.UINT64]: { name: 'uint64', bytes: 8, view: BigUint64Array },
  [DataType.COMPLEX64]: { name: 'complex64', bytes: 8, view: Float32Array },
  [DataType.COMPLEX128]: { name: 'complex128', bytes: 16, view: Float64Array },
  [DataType.BFLOAT16]: { name: 'bfloat16', bytes: 2, view: Uint16Array },
  [DataType.FLOAT8E4M3FN]: { name: 'float8e4m3fn', bytes: 1, view: Uint8Array },
  [DataType.FLOAT8E4M3FNUZ]: { name: 'float8e4m3fnuz', bytes: 1, view: Uint8Array },
  [DataType.FLOAT8E5M2]: { name: 'float8e5m2', bytes: 1, view: Uint8Array },
  [DataType.FLOAT8E5M2FNUZ]: { name: 'float8e5m2fnuz', bytes: 1, view: Uint8Array },
  [DataType.UINT4]: { name: 'uint4', bytes: 0.5, view: Uint8Array },
  [DataType.INT4]: { name: 'int4', bytes: 0.5, view: Uint8Array },
  [DataType.FLOAT4E2M1]: { name: 'float4e2m1', bytes: 0.5, view: Uint8Array },
  [DataType.FLOAT8E8M0]: { name: 'float8e8m0', bytes: 1, view: Uint8Array },
  [DataType.UINT2]: { name: 'uint2', bytes: 0.25, view: Uint8Array },
  [DataType.INT2]: { name: 'int2', bytes: 0.25, view: Uint8Array },
};

function info(dt: DataType): DataTypeInfo {
  const i = INFO[dt];
  if (!i) throw new Error(`ONNX data type ${dt} has no known layout.`);
  return i;
}

/** A short lower-case name for a data type (`float32`, `int64`, `bfloat16`, …); `dtype(N)` if unknown. */
export function dataTypeName(dt: DataType): string {
  return INFO[dt]?.name ?? (dt === DataType.UNDEFINED ? 'undefined' : `dtype(${dt})`);
}

/** Whether `dt` is a tensor data type this codec knows the layout of (not UNDEFINED, not a future type). */
export function isKnownDataType(dt: DataType): boolean {
  return INFO[dt] !== undefined;
}

/** Bytes one element occupies in `raw_data` (0.5 for 4-bit and 0.25 for 2-bit types, 0 for strings). */
export function bytesPerElement(dt: DataType): number {
  return info(dt).bytes;
}

/** Number of elements: the product of `dims` (1 for a scalar). */
export function elementCount(t: Tensor): number {
  let n = 1;
  for (const d of t.dims) n *= Number(d);
  return n;
}

/** Bytes `count` elements of `dt` take in `raw_data` (sub-byte types pack and round up). */
export function byteLengthOf(dt: DataType, count: number): number {
  return Math.ceil(count * info(dt).bytes);
}

/** A typed view of `bytes` as `ctor`, without copying when the offset is aligned. */
function viewBytes(bytes: Uint8Array, ctor: ValuesCtor): TensorValues {
  const size = ctor.BYTES_PER_ELEMENT;
  const count = Math.floor(bytes.length / size);
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, count);
  return new ctor(bytes.slice(0, count * size).buffer, 0, count);
}

/** Copies numbers from a typed field into the array type of `dt` (e.g. int8 stored in `int32_data`). */
function convert(src: ArrayLike<number> | ArrayLike<bigint>, ctor: ValuesCtor): TensorValues {
  const out = new ctor(src.length);
  const bigOut = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    (out as unknown as unknown[])[i] = bigOut ? BigInt(v) : Number(v);
  }
  return out;
}

/**
 * The tensor's values as a typed array, from whichever field holds them: a view over `raw_data`
 * when its offset is aligned for the element type (zero-copy), a copy otherwise; the typed field
 * itself when it already has the right array type. Float16, bfloat16 and float8 come back as their
 * bit patterns; 4- and 2-bit types as their packed bytes. Strings are in `stringData`, not here.
 */
export function tensorData(t: Tensor): TensorValues {
  if (t.dataType === DataType.STRING)
    throw new Error(`Tensor '${t.name}' holds strings; read t.stringData instead.`);
  const ctor = info(t.dataType).view;
  if (t.rawData) return viewBytes(t.rawData, ctor);
  const field = t.floatData ?? t.int32Data ?? t.int64Data ?? t.doubleData ?? t.uint64Data;
  if (!field) return new ctor(0);
  if (field.constructor === ctor) return field;
  return convert(field, ctor);
}

/**
 * A tensor whose `raw_data` is a view over `data`'s bytes (no copy: later writes to `data` show
 * through; pass a copy to freeze it). `data.length` must match `dims` (packed bytes for 4/2-bit types).
 */
export function makeTensor(name: string, dataType: DataType, dims: number[], data: TensorValues): Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (byteLengthOf(dataType, count) !== bytes.length) {
    throw new Error(
      `Tensor '${name}' of shape [${dims.join(', ')}] needs ${byteLengthOf(dataType, count)} bytes of ${dataTypeName(dataType)}, got ${bytes.length}.`,
    );
  }
  return {
    dims: dims.map((d) => BigInt(d)),
    dataType,
    name,
    docString: '',
    rawData: bytes,
    externalData: [],
    dataLocation: DataLocation.DEFAULT,
    metadataProps: [],
  };
}

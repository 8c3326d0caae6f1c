/**
 * Checks on import that a model's tensors and declared shapes are possible, so that no later stage
 * counts −36 parameters, allocates 2^40 elements for a 16-byte tensor, or reads past `raw_data`.
 */
import { byteLengthOf, dataTypeName, isKnownDataType } from '../onnx';
import { DataType, type Tensor, type ValueInfo } from '../onnx/types';
import { InvalidModelError } from './errors';

/** Throws {@link InvalidModelError} naming the tensor when its dims, type or data cannot be right. */
export function checkTensor(t: Tensor, what = 'Tensor'): void {
  const fail = (problem: string): never => {
    throw new InvalidModelError(`${what} '${t.name}' ${problem}.`);
  };
  let count = 1;
  for (const d of t.dims) {
    if (d < 0n) fail(`has a negative dimension (dims [${t.dims.join(', ')}])`);
    count *= Number(d);
  }
  if (!Number.isSafeInteger(count)) fail(`claims ${count} elements (dims [${t.dims.join(', ')}])`);
  if (!isKnownDataType(t.dataType))
    fail(`has data type ${dataTypeName(t.dataType)}, which is not a tensor type`);
  const held = heldElements(t, what);
  if (held === undefined) {
    if (count > 0) fail(`has dims [${t.dims.join(', ')}] but holds no data`);
    return;
  }
  if (held.kind === 'packed') return;
  if (held.kind === 'bytes') {
    const need = byteLengthOf(t.dataType, count);
    if (held.length !== need)
      fail(
        `has dims [${t.dims.join(', ')}] of ${dataTypeName(t.dataType)} (${need} bytes) but ${held.length} bytes of data`,
      );
  } else if (held.length !== count * held.per) {
    fail(`has dims [${t.dims.join(', ')}] (${count} elements) but ${held.length / held.per} values`);
  }
}

/** The typed field each data type's values belong in (ONNX TensorProto); the rest go in raw_data only. */
const FIELD_OF: Partial<Record<DataType, string>> = {
  [DataType.FLOAT]: 'floatData',
  [DataType.COMPLEX64]: 'floatData',
  [DataType.INT64]: 'int64Data',
  [DataType.DOUBLE]: 'doubleData',
  [DataType.COMPLEX128]: 'doubleData',
  [DataType.UINT32]: 'uint64Data',
  [DataType.UINT64]: 'uint64Data',
};
for (const dt of [
  DataType.INT32,
  DataType.INT16,
  DataType.INT8,
  DataType.UINT16,
  DataType.UINT8,
  DataType.BOOL,
  DataType.FLOAT16,
  DataType.BFLOAT16,
  DataType.FLOAT8E4M3FN,
  DataType.FLOAT8E4M3FNUZ,
  DataType.FLOAT8E5M2,
  DataType.FLOAT8E5M2FNUZ,
  DataType.UINT4,
  DataType.INT4,
  DataType.FLOAT4E2M1,
  DataType.FLOAT8E8M0,
  DataType.UINT2,
  DataType.INT2,
])
  FIELD_OF[dt] = 'int32Data';

/** How much data the tensor holds: raw bytes, or values in a typed field (`per` values an element). */
function heldElements(
  t: Tensor,
  what: string,
):
  | { kind: 'bytes'; length: number }
  | { kind: 'values'; length: number; per: number }
  | { kind: 'packed' }
  | undefined {
  if (t.rawData) return { kind: 'bytes', length: t.rawData.length };
  if (t.dataType === DataType.STRING)
    return t.stringData && { kind: 'values', length: t.stringData.length, per: 1 };
  const fields = {
    floatData: t.floatData,
    int32Data: t.int32Data,
    int64Data: t.int64Data,
    doubleData: t.doubleData,
    uint64Data: t.uint64Data,
  };
  const used = (Object.keys(fields) as (keyof typeof fields)[]).find((k) => fields[k] !== undefined);
  if (!used) return undefined;
  const field = fields[used]!;
  if (FIELD_OF[t.dataType] !== used)
    throw new InvalidModelError(
      `${what} '${t.name}' keeps ${dataTypeName(t.dataType)} values in ${used}, which cannot hold them.`,
    );
  // Sub-byte types pack several values per field entry; their count is checked through raw_data only.
  if (byteLengthOf(t.dataType, 8) < 8) return { kind: 'packed' };
  const complex = t.dataType === DataType.COMPLEX64 || t.dataType === DataType.COMPLEX128;
  return { kind: 'values', length: field.length, per: complex ? 2 : 1 };
}

/** Throws {@link InvalidModelError} when a declared shape has a negative dimension. */
export function checkDeclaredShape(v: ValueInfo, what: string): void {
  for (const d of v.type?.tensorType?.shape?.dim ?? [])
    if (d.dimValue !== undefined && d.dimValue < 0n)
      throw new InvalidModelError(`${what} '${v.name}' declares the negative dimension ${d.dimValue}.`);
}

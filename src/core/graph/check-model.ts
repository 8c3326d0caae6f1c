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
  const held = heldElements(t);
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

/** How much data the tensor holds: raw bytes, or values in a typed field (`per` values an element). */
function heldElements(
  t: Tensor,
):
  | { kind: 'bytes'; length: number }
  | { kind: 'values'; length: number; per: number }
  | { kind: 'packed' }
  | undefined {
  if (t.rawData) return { kind: 'bytes', length: t.rawData.length };
  if (t.dataType === DataType.STRING)
    return t.stringData && { kind: 'values', length: t.stringData.length, per: 1 };
  const field = t.floatData ?? t.int32Data ?? t.int64Data ?? t.doubleData ?? t.uint64Data;
  if (!field) return undefined;
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

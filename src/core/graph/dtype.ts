/** Classes of ONNX element types. */
import { DataType } from '../onnx/types';

const FLOATS = new Set<DataType>([
  DataType.FLOAT,
  DataType.FLOAT16,
  DataType.DOUBLE,
  DataType.BFLOAT16,
  DataType.FLOAT8E4M3FN,
  DataType.FLOAT8E4M3FNUZ,
  DataType.FLOAT8E5M2,
  DataType.FLOAT8E5M2FNUZ,
  DataType.FLOAT4E2M1,
  DataType.FLOAT8E8M0,
]);

/** Whether elements of `dt` are floating point (the types whose initializers count as parameters). */
export function isFloatType(dt: DataType): boolean {
  return FLOATS.has(dt);
}

const INTEGERS = new Set<DataType>([
  DataType.UINT8,
  DataType.INT8,
  DataType.UINT16,
  DataType.INT16,
  DataType.INT32,
  DataType.INT64,
  DataType.UINT32,
  DataType.UINT64,
  DataType.UINT4,
  DataType.INT4,
  DataType.UINT2,
  DataType.INT2,
]);

export function isIntegerType(dt: DataType): boolean {
  return INTEGERS.has(dt);
}

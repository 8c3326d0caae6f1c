import { describe, expect, it } from 'vitest';
import {
  AttributeType,
  DataType,
  bytesPerElement,
  dataTypeName,
  decodeModel,
  elementCount,
  emptyTensor,
  makeAttribute,
  makeTensor,
  tensorData,
} from '../../src/core/onnx';
import { ModelBuilder } from '../helpers/model-builder';

describe('tensor helpers', () => {
  it('views raw_data without copying when aligned, copies when not', () => {
    const buf = new Uint8Array(13);
    new Float32Array(buf.buffer, 4, 2).set([1.5, -2]);
    const aligned = emptyTensor({ dataType: DataType.FLOAT, dims: [2n], rawData: buf.subarray(4, 12) });
    const view = tensorData(aligned) as Float32Array;
    expect(Array.from(view)).toEqual([1.5, -2]);
    expect(view.buffer).toBe(buf.buffer);

    const odd = new Uint8Array(13);
    odd.set(buf.subarray(4, 12), 1);
    const copy = tensorData(
      emptyTensor({ dataType: DataType.FLOAT, dims: [2n], rawData: odd.subarray(1, 9) }),
    ) as Float32Array;
    expect(Array.from(copy)).toEqual([1.5, -2]);
    expect(copy.buffer).not.toBe(odd.buffer);
  });

  it('reads typed fields, converting where the proto widens (int8 in int32_data, uint32 in uint64_data)', () => {
    const i8 = tensorData(
      emptyTensor({ dataType: DataType.INT8, dims: [2n], int32Data: new Int32Array([-3, 4]) }),
    );
    expect(i8).toBeInstanceOf(Int8Array);
    expect(Array.from(i8 as Int8Array)).toEqual([-3, 4]);
    const u32 = tensorData(
      emptyTensor({ dataType: DataType.UINT32, dims: [1n], uint64Data: new BigUint64Array([7n]) }),
    );
    expect(u32).toBeInstanceOf(Uint32Array);
    const i64 = new BigInt64Array([1n, -2n]);
    expect(tensorData(emptyTensor({ dataType: DataType.INT64, dims: [2n], int64Data: i64 }))).toBe(i64);
  });

  it('decoded int64 initializers keep values beyond 2^53', () => {
    const big = new BigInt64Array([5n, -1n, 9007199254740993n]);
    const { bytes } = new ModelBuilder().tensor(makeTensor('ids', DataType.INT64, [3], big)).build();
    const [ids] = decodeModel(bytes).graph!.initializer;
    expect(Array.from(tensorData(ids) as BigInt64Array)).toEqual([5n, -1n, 9007199254740993n]);
  });

  it('knows element sizes and names', () => {
    expect(bytesPerElement(DataType.FLOAT)).toBe(4);
    expect(bytesPerElement(DataType.INT4)).toBe(0.5);
    expect(bytesPerElement(DataType.COMPLEX128)).toBe(16);
    expect(dataTypeName(DataType.BFLOAT16)).toBe('bfloat16');
    expect(dataTypeName(99 as DataType)).toBe('dtype(99)');
    expect(elementCount(emptyTensor({ dims: [2n, 3n, 4n] }))).toBe(24);
    expect(elementCount(emptyTensor({ dims: [] }))).toBe(1);
    expect(() => makeTensor('w', DataType.FLOAT, [3], new Float32Array(2))).toThrow(/needs 12 bytes/);
  });

  it('makeAttribute infers the type or takes it explicitly', () => {
    expect(makeAttribute('a', 0.1)).toMatchObject({ type: AttributeType.FLOAT, f: Math.fround(0.1) });
    expect(makeAttribute('a', 3n)).toMatchObject({ type: AttributeType.INT, i: 3n });
    expect(makeAttribute('a', 3, AttributeType.INT)).toMatchObject({ type: AttributeType.INT, i: 3n });
    expect(makeAttribute('a', [1n, 2n])).toMatchObject({ type: AttributeType.INTS, ints: [1n, 2n] });
    expect(makeAttribute('a', [0.5])).toMatchObject({ type: AttributeType.FLOATS, floats: [0.5] });
    expect(makeAttribute('a', ['x']).type).toBe(AttributeType.STRINGS);
    expect(makeAttribute('a', 'NOTSET').s).toEqual(new TextEncoder().encode('NOTSET'));
  });
});

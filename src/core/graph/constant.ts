/** The tensor a `Constant` node holds. */
import { emptyTensor, makeTensor } from '../onnx';
import { AttributeType, DataType, type Attribute, type Tensor } from '../onnx/types';

/** The tensor a Constant node with these attributes holds, named `name`; undefined for forms kept as nodes. */
export function constantTensor(name: string, attributes: readonly Attribute[]): Tensor | undefined {
  const a: Attribute | undefined = attributes[0];
  if (!a || attributes.length !== 1 || !name) return undefined;
  switch (a.name) {
    case 'value':
      return a.t ? { ...a.t, name } : undefined;
    case 'value_float':
      return makeTensor(name, DataType.FLOAT, [], new Float32Array([a.f ?? 0]));
    case 'value_floats':
      return makeTensor(name, DataType.FLOAT, [a.floats.length], new Float32Array(a.floats));
    case 'value_int':
      return makeTensor(name, DataType.INT64, [], new BigInt64Array([a.i ?? 0n]));
    case 'value_ints':
      return makeTensor(name, DataType.INT64, [a.ints.length], BigInt64Array.from(a.ints));
    case 'value_string':
      return a.type === AttributeType.STRING
        ? emptyTensor({ name, dataType: DataType.STRING, stringData: [a.s ?? new Uint8Array()] })
        : undefined;
    case 'value_strings':
      return emptyTensor({
        name,
        dataType: DataType.STRING,
        dims: [BigInt(a.strings.length)],
        stringData: a.strings,
      });
    default:
      return undefined; // sparse_value: kept as a node
  }
}

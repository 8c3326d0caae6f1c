import {
  AttributeType,
  type Attribute,
  type Graph,
  type Model,
  type Node,
  type SparseTensor,
  type Tensor,
  type TypeProto,
  type ValueInfo,
} from './types';

// Factories fill every required field with its proto default, then apply the caller's fields.

export function emptyModel(init: Partial<Model> = {}): Model {
  return {
    irVersion: 0n,
    opsetImport: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0n,
    docString: '',
    metadataProps: [],
    trainingInfo: [],
    functions: [],
    configuration: [],
    ...init,
  };
}

export function emptyGraph(init: Partial<Graph> = {}): Graph {
  return {
    node: [],
    name: '',
    initializer: [],
    sparseInitializer: [],
    docString: '',
    input: [],
    output: [],
    valueInfo: [],
    quantizationAnnotation: [],
    metadataProps: [],
    ...init,
  };
}

export function emptyNode(init: Partial<Node> = {}): Node {
  return {
    input: [],
    output: [],
    name: '',
    opType: '',
    domain: '',
    overload: '',
    attribute: [],
    docString: '',
    metadataProps: [],
    deviceConfigurations: [],
    ...init,
  };
}

export function emptyAttribute(init: Partial<Attribute> = {}): Attribute {
  return {
    name: '',
    refAttrName: '',
    docString: '',
    type: AttributeType.UNDEFINED,
    floats: [],
    ints: [],
    strings: [],
    tensors: [],
    graphs: [],
    sparseTensors: [],
    typeProtos: [],
    ...init,
  };
}

export function emptyTensor(init: Partial<Tensor> = {}): Tensor {
  return {
    dims: [],
    dataType: 0,
    name: '',
    docString: '',
    externalData: [],
    dataLocation: 0,
    metadataProps: [],
    ...init,
  };
}

export function emptyValueInfo(init: Partial<ValueInfo> = {}): ValueInfo {
  return { name: '', docString: '', metadataProps: [], ...init };
}

/** A value `makeAttribute` can hold. */
export type AttributeValue =
  | number
  | bigint
  | string
  | Uint8Array
  | Tensor
  | Graph
  | SparseTensor
  | TypeProto
  | number[]
  | bigint[]
  | string[]
  | Uint8Array[]
  | Tensor[]
  | Graph[]
  | SparseTensor[]
  | TypeProto[];

const utf8 = new TextEncoder();
const bytesOf = (v: string | Uint8Array): Uint8Array => (typeof v === 'string' ? utf8.encode(v) : v);

function kindOf(v: object): AttributeType {
  if ('node' in v) return AttributeType.GRAPH;
  if ('dataType' in v) return AttributeType.TENSOR;
  if ('values' in v || 'indices' in v) return AttributeType.SPARSE_TENSOR;
  return AttributeType.TYPE_PROTO;
}

const LIST_OF: Partial<Record<AttributeType, AttributeType>> = {
  [AttributeType.FLOAT]: AttributeType.FLOATS,
  [AttributeType.INT]: AttributeType.INTS,
  [AttributeType.STRING]: AttributeType.STRINGS,
  [AttributeType.TENSOR]: AttributeType.TENSORS,
  [AttributeType.GRAPH]: AttributeType.GRAPHS,
  [AttributeType.SPARSE_TENSOR]: AttributeType.SPARSE_TENSORS,
  [AttributeType.TYPE_PROTO]: AttributeType.TYPE_PROTOS,
};

function inferType(value: AttributeValue): AttributeType {
  if (typeof value === 'number') return AttributeType.FLOAT;
  if (typeof value === 'bigint') return AttributeType.INT;
  if (typeof value === 'string' || value instanceof Uint8Array) return AttributeType.STRING;
  if (!Array.isArray(value)) return kindOf(value);
  if (value.length === 0) return AttributeType.INTS;
  return LIST_OF[inferType(value[0] as AttributeValue)] ?? AttributeType.INTS;
}

/**
 * An attribute holding `value`. Without `type`: number → FLOAT, bigint → INT, string/bytes → STRING,
 * tensor/graph/sparse tensor/type proto by shape, arrays → the matching list type (an empty array
 * → INTS). Pass `type` to force one, e.g. `makeAttribute('group', 1, AttributeType.INT)`.
 * Floats are rounded to float32, as the file stores them.
 */
export function makeAttribute(
  name: string,
  value: AttributeValue,
  type: AttributeType = inferType(value),
): Attribute {
  const a = emptyAttribute({ name, type });
  const list = (Array.isArray(value) ? value : [value]) as unknown[];
  switch (type) {
    case AttributeType.FLOAT:
      a.f = Math.fround(Number(value));
      break;
    case AttributeType.INT:
      a.i = BigInt(value as number | bigint);
      break;
    case AttributeType.STRING:
      a.s = bytesOf(value as string | Uint8Array);
      break;
    case AttributeType.TENSOR:
      a.t = value as Tensor;
      break;
    case AttributeType.GRAPH:
      a.g = value as Graph;
      break;
    case AttributeType.SPARSE_TENSOR:
      a.sparseTensor = value as SparseTensor;
      break;
    case AttributeType.TYPE_PROTO:
      a.tp = value as TypeProto;
      break;
    case AttributeType.FLOATS:
      a.floats = list.map((v) => Math.fround(Number(v)));
      break;
    case AttributeType.INTS:
      a.ints = list.map((v) => BigInt(v as number | bigint));
      break;
    case AttributeType.STRINGS:
      a.strings = list.map((v) => bytesOf(v as string | Uint8Array));
      break;
    case AttributeType.TENSORS:
      a.tensors = list as Tensor[];
      break;
    case AttributeType.GRAPHS:
      a.graphs = list as Graph[];
      break;
    case AttributeType.SPARSE_TENSORS:
      a.sparseTensors = list as SparseTensor[];
      break;
    case AttributeType.TYPE_PROTOS:
      a.typeProtos = list as TypeProto[];
      break;
    default:
      throw new Error(`Attribute '${name}': type ${type} cannot hold a value.`);
  }
  return a;
}

/** The string value of a STRING attribute, decoded as UTF-8. */
export function attributeString(a: Attribute): string {
  return a.s ? new TextDecoder().decode(a.s) : '';
}

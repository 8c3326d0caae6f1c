/**
 * The decoded form of `onnx.proto` (ModelProto and everything inside it), field for field.
 *
 * Names are the proto's, in camelCase. Every message keeps the bytes of fields this codec does not
 * know in `unknownFields`, so a model written by a newer exporter survives a round trip.
 *
 * Numbers: proto int64 values that can exceed 2^53 in practice (attribute ints — exporters write
 * INT64_MAX for "to the end" — and int64 tensor data) are `bigint`; counts and dims are `number`.
 * Tensor payloads are typed-array views over the file's bytes where alignment allows, copies otherwise.
 */

/** Raw bytes of fields this codec does not know, kept in wire order (tag included). */
export type UnknownFields = Uint8Array[];

/** `TensorProto.DataType`. */
export enum DataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
  FLOAT4E2M1 = 23,
  FLOAT8E8M0 = 24,
  UINT2 = 25,
  INT2 = 26,
}

/** `AttributeProto.AttributeType`. */
export enum AttributeType {
  UNDEFINED = 0,
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  GRAPH = 5,
  SPARSE_TENSOR = 11,
  TYPE_PROTO = 13,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
  TENSORS = 9,
  GRAPHS = 10,
  SPARSE_TENSORS = 12,
  TYPE_PROTOS = 14,
}

export enum DataLocation {
  DEFAULT = 0,
  EXTERNAL = 1,
}

export interface StringStringEntry {
  key: string;
  value: string;
  unknownFields?: UnknownFields;
}

export interface OperatorSetId {
  domain: string;
  version: bigint;
  unknownFields?: UnknownFields;
}

export interface TensorSegment {
  begin: bigint;
  end: bigint;
  unknownFields?: UnknownFields;
}

export interface Tensor {
  dims: bigint[];
  dataType: DataType;
  segment?: TensorSegment;
  name: string;
  docString: string;
  /** Packed little-endian payload (`raw_data`); a view over the file where possible. */
  rawData?: Uint8Array;
  floatData?: Float32Array;
  int32Data?: Int32Array;
  stringData?: Uint8Array[];
  int64Data?: BigInt64Array;
  doubleData?: Float64Array;
  uint64Data?: BigUint64Array;
  externalData: StringStringEntry[];
  dataLocation: DataLocation;
  metadataProps: StringStringEntry[];
  unknownFields?: UnknownFields;
}

export interface SparseTensor {
  values?: Tensor;
  indices?: Tensor;
  dims: bigint[];
  unknownFields?: UnknownFields;
}

export interface Dimension {
  /** Exactly one of `dimValue` / `dimParam` is set for a known or symbolic dim; neither for unknown. */
  dimValue?: bigint;
  dimParam?: string;
  denotation: string;
  unknownFields?: UnknownFields;
}

export interface TensorShape {
  dim: Dimension[];
  unknownFields?: UnknownFields;
}

export interface TypeProto {
  tensorType?: { elemType: DataType; shape?: TensorShape; unknownFields?: UnknownFields };
  sequenceType?: { elemType?: TypeProto; unknownFields?: UnknownFields };
  mapType?: { keyType: DataType; valueType?: TypeProto; unknownFields?: UnknownFields };
  optionalType?: { elemType?: TypeProto; unknownFields?: UnknownFields };
  sparseTensorType?: { elemType: DataType; shape?: TensorShape; unknownFields?: UnknownFields };
  opaqueType?: { domain: string; name: string; unknownFields?: UnknownFields };
  denotation: string;
  unknownFields?: UnknownFields;
}

export interface ValueInfo {
  name: string;
  type?: TypeProto;
  docString: string;
  metadataProps: StringStringEntry[];
  unknownFields?: UnknownFields;
}

export interface Attribute {
  name: string;
  refAttrName: string;
  docString: string;
  type: AttributeType;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: Tensor;
  g?: Graph;
  sparseTensor?: SparseTensor;
  tp?: TypeProto;
  floats: number[];
  ints: bigint[];
  strings: Uint8Array[];
  tensors: Tensor[];
  graphs: Graph[];
  sparseTensors: SparseTensor[];
  typeProtos: TypeProto[];
  unknownFields?: UnknownFields;
}

export interface NodeDeviceConfiguration {
  configurationId: string;
  shardingSpec: Uint8Array[];
  pipelineStage: number;
  unknownFields?: UnknownFields;
}

export interface Node {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  overload: string;
  attribute: Attribute[];
  docString: string;
  metadataProps: StringStringEntry[];
  /** `device_configurations` kept as raw message bytes: no tool of ours reads them. */
  deviceConfigurations: Uint8Array[];
  unknownFields?: UnknownFields;
}

export interface TensorAnnotation {
  tensorName: string;
  quantParameterTensorNames: StringStringEntry[];
  unknownFields?: UnknownFields;
}

export interface Graph {
  node: Node[];
  name: string;
  initializer: Tensor[];
  sparseInitializer: SparseTensor[];
  docString: string;
  input: ValueInfo[];
  output: ValueInfo[];
  valueInfo: ValueInfo[];
  quantizationAnnotation: TensorAnnotation[];
  metadataProps: StringStringEntry[];
  unknownFields?: UnknownFields;
}

export interface TrainingInfo {
  initialization?: Graph;
  algorithm?: Graph;
  initializationBinding: StringStringEntry[];
  updateBinding: StringStringEntry[];
  unknownFields?: UnknownFields;
}

export interface FunctionProto {
  name: string;
  input: string[];
  output: string[];
  attribute: string[];
  attributeProto: Attribute[];
  valueInfo: ValueInfo[];
  node: Node[];
  docString: string;
  opsetImport: OperatorSetId[];
  domain: string;
  overload: string;
  metadataProps: StringStringEntry[];
  unknownFields?: UnknownFields;
}

export interface Model {
  irVersion: bigint;
  opsetImport: OperatorSetId[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: bigint;
  docString: string;
  graph?: Graph;
  metadataProps: StringStringEntry[];
  trainingInfo: TrainingInfo[];
  functions: FunctionProto[];
  /** `configuration` (DeviceConfigurationProto, IR 11) kept as raw message bytes. */
  configuration: Uint8Array[];
  unknownFields?: UnknownFields;
}

/**
 * ONNX codec: decodes `ModelProto` bytes into plain objects (`./types`) and encodes them back,
 * plus tensor helpers and factories. Everything outside this folder imports from here.
 */
export * from './types';
export { OnnxFormatError, type OnnxFormatErrorCode } from './errors';
export { decodeModel, type DecodeOptions } from './decode-model';
export { encodeModel, type EncodeOptions } from './encode-model';
export type { ExternalDataFile, ExternalDataLookup } from './wire-reader';
export {
  externalDataKey,
  layoutExternalData,
  usesExternalData,
  type ExternalDataLayout,
} from './external-data';
export {
  tensorData,
  elementCount,
  makeTensor,
  dataTypeName,
  isKnownDataType,
  bytesPerElement,
  byteLengthOf,
  type TensorValues,
} from './tensor';
export {
  emptyModel,
  emptyGraph,
  emptyNode,
  emptyAttribute,
  emptyTensor,
  emptyValueInfo,
  makeAttribute,
  attributeString,
  type AttributeValue,
} from './factories';

import { emptyModel } from './factories';
import { OnnxFormatError } from './errors';
import { decodeAttribute, decodeGraph, decodeNode } from './decode-graph';
import { decodeEntry } from './decode-tensor';
import { decodeValueInfo } from './decode-type';
import type { FunctionProto, Model, OperatorSetId, TrainingInfo } from './types';
import { LEN, ProtoReader, VARINT, fieldMask, type ExternalDataLookup } from './wire-reader';

const OPSET_FIELDS = fieldMask(1, 2);

function decodeOperatorSetId(r: ProtoReader): OperatorSetId {
  const m: OperatorSetId = { domain: '', version: 0n };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.domain = r.string();
    else if (tag === ((2 << 3) | VARINT)) m.version = r.int64();
    else r.other(tag, at, OPSET_FIELDS, m);
  }
  return m;
}

const TRAINING_FIELDS = fieldMask(1, 2, 3, 4);

function decodeTrainingInfo(r: ProtoReader): TrainingInfo {
  const m: TrainingInfo = { initializationBinding: [], updateBinding: [] };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.initialization = r.message(decodeGraph);
    else if (tag === ((2 << 3) | LEN)) m.algorithm = r.message(decodeGraph);
    else if (tag === ((3 << 3) | LEN)) m.initializationBinding.push(r.message(decodeEntry));
    else if (tag === ((4 << 3) | LEN)) m.updateBinding.push(r.message(decodeEntry));
    else r.other(tag, at, TRAINING_FIELDS, m);
  }
  return m;
}

const FUNCTION_FIELDS = fieldMask(1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);

function decodeFunction(r: ProtoReader): FunctionProto {
  const m: FunctionProto = {
    name: '',
    input: [],
    output: [],
    attribute: [],
    attributeProto: [],
    valueInfo: [],
    node: [],
    docString: '',
    opsetImport: [],
    domain: '',
    overload: '',
    metadataProps: [],
  };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if ((tag & 7) !== LEN) {
      r.other(tag, at, FUNCTION_FIELDS, m);
      continue;
    }
    switch (tag >>> 3) {
      case 1:
        m.name = r.string();
        break;
      case 4:
        m.input.push(r.string());
        break;
      case 5:
        m.output.push(r.string());
        break;
      case 6:
        m.attribute.push(r.string());
        break;
      case 7:
        m.node.push(r.message(decodeNode));
        break;
      case 8:
        m.docString = r.string();
        break;
      case 9:
        m.opsetImport.push(r.message(decodeOperatorSetId));
        break;
      case 10:
        m.domain = r.string();
        break;
      case 11:
        m.attributeProto.push(r.message(decodeAttribute));
        break;
      case 12:
        m.valueInfo.push(r.message(decodeValueInfo));
        break;
      case 13:
        m.overload = r.string();
        break;
      case 14:
        m.metadataProps.push(r.message(decodeEntry));
        break;
      default:
        r.other(tag, at, FUNCTION_FIELDS, m);
    }
  }
  return m;
}

const MODEL_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25, 26);

function decodeModelFields(r: ProtoReader): Model {
  const m = emptyModel();
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | VARINT:
        m.irVersion = r.int64();
        break;
      case (2 << 3) | LEN:
        m.producerName = r.string();
        break;
      case (3 << 3) | LEN:
        m.producerVersion = r.string();
        break;
      case (4 << 3) | LEN:
        m.domain = r.string();
        break;
      case (5 << 3) | VARINT:
        m.modelVersion = r.int64();
        break;
      case (6 << 3) | LEN:
        m.docString = r.string();
        break;
      case (7 << 3) | LEN:
        m.graph = r.message(decodeGraph);
        break;
      case (8 << 3) | LEN:
        m.opsetImport.push(r.message(decodeOperatorSetId));
        break;
      case (14 << 3) | LEN:
        m.metadataProps.push(r.message(decodeEntry));
        break;
      case (20 << 3) | LEN:
        m.trainingInfo.push(r.message(decodeTrainingInfo));
        break;
      case (25 << 3) | LEN:
        m.functions.push(r.message(decodeFunction));
        break;
      case (26 << 3) | LEN:
        m.configuration.push(r.bytesView());
        break;
      default:
        r.other(tag, at, MODEL_FIELDS, m);
    }
  }
  return m;
}

/** The tags a ModelProto can start with; anything else is another file type. */
const MODEL_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0xa2, 0xca, 0xd2]);

function notOnnx(detail: string): OnnxFormatError {
  return new OnnxFormatError('not-onnx', `This file is not an ONNX model: ${detail}.`, 0);
}

/** Options for {@link decodeModel}. */
export interface DecodeOptions {
  /** Returns the bytes of an external data file by its `location`, or undefined if not supplied. */
  externalData?: ExternalDataLookup;
}

/**
 * Decodes an ONNX `ModelProto`. Tensor payloads are views over `bytes` (or over the external data
 * buffers), so those buffers must not be modified while the model is in use. Throws
 * {@link OnnxFormatError} for anything that is not a well-formed model. Invalid UTF-8 in strings is
 * tolerated (decoded with U+FFFD replacements, as TextDecoder does), never an error.
 */
export function decodeModel(bytes: Uint8Array, opts: DecodeOptions = {}): Model {
  if (bytes.length === 0) throw notOnnx('it is empty');
  const first = bytes[0] < 0x80 ? bytes[0] : bytes.length > 1 ? (bytes[0] & 0x7f) | (bytes[1] << 7) : -1;
  if (!MODEL_TAGS.has(first)) {
    throw notOnnx(
      `its first byte 0x${bytes[0].toString(16).padStart(2, '0')} does not start any ModelProto field`,
    );
  }
  // A plain Uint8Array view, so a Node Buffer input does not make every payload view a Buffer.
  const r = new ProtoReader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  r.externalData = opts.externalData;
  let model: Model;
  try {
    model = decodeModelFields(r);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw e;
    // A bug of ours must still surface as a format error, never a bare RangeError, to callers.
    throw new OnnxFormatError(
      'corrupt',
      `File is corrupt: decoding stopped at byte ${r.pos} (${String(e)}).`,
      r.pos,
    );
  }
  if (!model.graph) throw notOnnx('it decodes to a message with no graph');
  return model;
}

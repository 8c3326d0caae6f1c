import { emptyAttribute, emptyGraph, emptyNode } from './factories';
import { decodeEntry, decodeSparseTensor, decodeTensor } from './decode-tensor';
import { decodeTypeProto, decodeValueInfo } from './decode-type';
import type { Attribute, Graph, Node, TensorAnnotation } from './types';
import { I32, LEN, VARINT, fieldMask, type ProtoReader } from './wire-reader';
import { pushFloats, pushInt64s } from './wire-repeated';

const ATTRIBUTE_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 20, 21, 22, 23);

/** `AttributeProto`, every value kind including subgraphs, sparse tensors and type protos. */
export function decodeAttribute(r: ProtoReader): Attribute {
  const m = emptyAttribute();
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.name = r.string();
        break;
      case 2:
        if (wire !== I32) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.f = r.float();
        break;
      case 3:
        if (wire !== VARINT) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.i = r.int64();
        break;
      case 4:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.s = r.bytesView();
        break;
      case 5:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.t = r.message(decodeTensor);
        break;
      case 6:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.g = r.message(decodeGraph);
        break;
      case 7:
        if (wire !== LEN && wire !== I32) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        pushFloats(r, wire, m.floats);
        break;
      case 8:
        if (wire !== LEN && wire !== VARINT) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        pushInt64s(r, wire, m.ints);
        break;
      case 9:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.strings.push(r.bytesView());
        break;
      case 10:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.tensors.push(r.message(decodeTensor));
        break;
      case 11:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.graphs.push(r.message(decodeGraph));
        break;
      case 13:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.docString = r.string();
        break;
      case 14:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.tp = r.message(decodeTypeProto);
        break;
      case 15:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.typeProtos.push(r.message(decodeTypeProto));
        break;
      case 20:
        if (wire !== VARINT) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.type = r.int32();
        break;
      case 21:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.refAttrName = r.string();
        break;
      case 22:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.sparseTensor = r.message(decodeSparseTensor);
        break;
      case 23:
        if (wire !== LEN) r.other(tag, at, ATTRIBUTE_FIELDS, m);
        m.sparseTensors.push(r.message(decodeSparseTensor));
        break;
      default:
        r.other(tag, at, ATTRIBUTE_FIELDS, m);
    }
  }
  return m;
}

const NODE_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

/** `NodeProto`; `device_configurations` (IR 11) stay raw message bytes. */
export function decodeNode(r: ProtoReader): Node {
  const outerKind = r.whereKind;
  const outerName = r.whereName;
  r.whereKind = 'node';
  r.whereName = '';
  const m = emptyNode();
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if ((tag & 7) !== LEN) {
      r.other(tag, at, NODE_FIELDS, m);
      continue;
    }
    switch (tag >>> 3) {
      case 1:
        m.input.push(r.string());
        break;
      case 2:
        m.output.push(r.string());
        break;
      case 3:
        m.name = r.string();
        r.whereName = m.name;
        break;
      case 4:
        m.opType = r.string();
        if (!m.name) r.whereName = m.opType;
        break;
      case 5:
        m.attribute.push(r.message(decodeAttribute));
        break;
      case 6:
        m.docString = r.string();
        break;
      case 7:
        m.domain = r.string();
        break;
      case 8:
        m.overload = r.string();
        break;
      case 9:
        m.metadataProps.push(r.message(decodeEntry));
        break;
      case 10:
        m.deviceConfigurations.push(r.bytesView());
        break;
      default:
        r.other(tag, at, NODE_FIELDS, m);
    }
  }
  r.whereKind = outerKind;
  r.whereName = outerName;
  return m;
}

const ANNOTATION_FIELDS = fieldMask(1, 2);

function decodeTensorAnnotation(r: ProtoReader): TensorAnnotation {
  const m: TensorAnnotation = { tensorName: '', quantParameterTensorNames: [] };
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) m.tensorName = r.string();
    else if (tag === ((2 << 3) | LEN)) m.quantParameterTensorNames.push(r.message(decodeEntry));
    else r.other(tag, at, ANNOTATION_FIELDS, m);
  }
  return m;
}

const GRAPH_FIELDS = fieldMask(1, 2, 5, 10, 11, 12, 13, 14, 15, 16);

/** `GraphProto` (also every subgraph held by an attribute, a function or training info). */
export function decodeGraph(r: ProtoReader): Graph {
  const outerKind = r.whereKind;
  const outerName = r.whereName;
  r.whereKind = 'graph';
  r.whereName = '';
  const m = emptyGraph();
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    if ((tag & 7) !== LEN) {
      r.other(tag, at, GRAPH_FIELDS, m);
      continue;
    }
    switch (tag >>> 3) {
      case 1:
        m.node.push(r.message(decodeNode));
        break;
      case 2:
        m.name = r.string();
        r.whereName = m.name;
        break;
      case 5:
        m.initializer.push(r.message(decodeTensor));
        break;
      case 10:
        m.docString = r.string();
        break;
      case 11:
        m.input.push(r.message(decodeValueInfo));
        break;
      case 12:
        m.output.push(r.message(decodeValueInfo));
        break;
      case 13:
        m.valueInfo.push(r.message(decodeValueInfo));
        break;
      case 14:
        m.quantizationAnnotation.push(r.message(decodeTensorAnnotation));
        break;
      case 15:
        m.sparseInitializer.push(r.message(decodeSparseTensor));
        break;
      case 16:
        m.metadataProps.push(r.message(decodeEntry));
        break;
      default:
        r.other(tag, at, GRAPH_FIELDS, m);
    }
  }
  r.whereKind = outerKind;
  r.whereName = outerName;
  return m;
}

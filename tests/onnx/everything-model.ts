/**
 * A model that uses every part of onnx.proto the codec knows, plus unknown fields at several
 * levels — for round-trip and fuzz tests. It is not meant to run.
 */
import {
  AttributeType,
  DataType,
  emptyAttribute,
  emptyGraph,
  emptyNode,
  emptyTensor,
  emptyValueInfo,
  makeAttribute,
  makeTensor,
  type Model,
  type SparseTensor,
  type TypeProto,
} from '../../src/core/onnx';
import { GraphBuilder, ModelBuilder, float, int, ints, tensorValueInfo } from '../helpers/model-builder';

/** Protobuf bytes of one field, for hand-made unknown fields. */
export function rawField(field: number, wire: 0 | 1 | 2 | 5, payload: number[]): Uint8Array {
  const out: number[] = [];
  let tag = field * 8 + wire;
  while (tag > 0x7f) {
    out.push((tag & 0x7f) | 0x80);
    tag = Math.floor(tag / 128);
  }
  out.push(tag);
  if (wire === 2) out.push(payload.length); // payloads here are under 128 bytes
  return new Uint8Array([...out, ...payload]);
}

const text = new TextEncoder();
const entry = (key: string, value: string) => ({ key, value });

function sparse(name: string): SparseTensor {
  return {
    values: makeTensor(name, DataType.FLOAT, [3], new Float32Array([1.5, -2, 3.25])),
    indices: makeTensor(`${name}.indices`, DataType.INT64, [3], new BigInt64Array([0n, 5n, 7n])),
    dims: [2n, 4n],
  };
}

const seqType: TypeProto = {
  denotation: 'SEQ',
  sequenceType: { elemType: tensorValueInfo('', 'float32', [2]).type },
};
const mapType: TypeProto = {
  denotation: '',
  mapType: { keyType: DataType.INT64, valueType: tensorValueInfo('', 'float32', ['K']).type },
};
const optionalType: TypeProto = { denotation: '', optionalType: { elemType: seqType } };
const sparseType: TypeProto = {
  denotation: '',
  sparseTensorType: {
    elemType: DataType.FLOAT,
    shape: { dim: [{ dimValue: 2n, denotation: 'BATCH' }, { denotation: '' }] },
  },
};
const opaqueType: TypeProto = { denotation: '', opaqueType: { domain: 'test.domain', name: 'Blob' } };

export function everythingModel(): Model {
  const thenBranch = new GraphBuilder('then', 2)
    .node('Identity', ['x'], ['t_out'])
    .output('t_out', 'float32', ['N', 4])
    .graph();
  const elseBranch = new GraphBuilder('else', 3)
    .node('Neg', ['x'], ['e_out'])
    .output('e_out', 'float32', ['N', 4])
    .graph();

  const b = new ModelBuilder({ opset: 21, irVersion: 10, seed: 11 })
    .opset('test.domain', 1)
    .input('x', 'float32', ['N', 4])
    .input('cond', 'bool', [])
    .initializer('w', [4, 4])
    .node('If', ['cond'], ['branch'], { then_branch: thenBranch, else_branch: elseBranch })
    .node(
      'Everything',
      ['branch', 'w'],
      ['y'],
      {
        f: float(0.25),
        i: int(-5),
        big: int(9223372036854775807n),
        s: 'héllo',
        t: makeTensor('attr.t', DataType.INT32, [2], new Int32Array([-1, 7])),
        g: thenBranch,
        fs: [0.5, -1.25],
        is: ints([1, -2, 3]),
        ss: ['a', 'βγ'],
        ts: [makeTensor('attr.t0', DataType.UINT8, [3], new Uint8Array([1, 2, 3]))],
        gs: [thenBranch, elseBranch],
      },
      { name: 'everything – αβ 😀', domain: 'test.domain' },
    )
    .node('MyFn', ['y'], ['z'], { scale: float(2) }, { domain: 'test.domain' })
    .output('z', 'float32', ['N', 4])
    .valueInfo('y', 'float32', ['N', 4]);

  const g = b.graph();
  const everything = g.node[1];
  everything.attribute.push(
    makeAttribute('sparse', sparse('attr.sparse')),
    makeAttribute('sparses', [sparse('attr.sparse0')], AttributeType.SPARSE_TENSORS),
    makeAttribute('tp', seqType, AttributeType.TYPE_PROTO),
    makeAttribute('tps', [mapType, opaqueType], AttributeType.TYPE_PROTOS),
    emptyAttribute({ name: 'nothing', docString: 'an attribute with no value' }),
  );
  everything.attribute[0].docString = 'float attribute';
  everything.attribute[0].unknownFields = [rawField(40, 0, [0x96, 0x01])];
  everything.docString = 'uses every attribute kind';
  everything.overload = 'v2';
  everything.metadataProps.push(entry('source', 'test'));
  everything.deviceConfigurations.push(rawField(1, 2, [...text.encode('dev0')]));
  everything.unknownFields = [rawField(77, 5, [1, 2, 3, 4])];

  g.initializer.push(
    emptyTensor({
      name: 'i64',
      dataType: DataType.INT64,
      dims: [4n],
      int64Data: new BigInt64Array([-1n, 0n, 9223372036854775807n, -9223372036854775808n]),
    }),
    emptyTensor({
      name: 'f64',
      dataType: DataType.DOUBLE,
      dims: [2n],
      doubleData: new Float64Array([Math.PI, -0]),
    }),
    emptyTensor({
      name: 'str',
      dataType: DataType.STRING,
      dims: [2n],
      stringData: [text.encode('one'), text.encode('двa')],
    }),
    emptyTensor({
      name: 'i8',
      dataType: DataType.INT8,
      dims: [3n],
      int32Data: new Int32Array([-128, 0, 127]),
    }),
    emptyTensor({
      name: 'u64',
      dataType: DataType.UINT64,
      dims: [2n],
      uint64Data: new BigUint64Array([18446744073709551615n, 1n]),
    }),
    emptyTensor({
      name: 'f32',
      dataType: DataType.FLOAT,
      dims: [2n],
      floatData: new Float32Array([1.5, -2.5]),
    }),
    emptyTensor({
      name: 'segmented',
      dataType: DataType.FLOAT,
      dims: [1n],
      segment: { begin: 0n, end: 1n },
      rawData: new Uint8Array([0, 0, 128, 63]),
      docString: 'a segment',
      metadataProps: [entry('k', 'v')],
      unknownFields: [rawField(30, 1, [1, 2, 3, 4, 5, 6, 7, 8])],
    }),
    emptyTensor({ name: 'empty', dataType: DataType.FLOAT, dims: [0n], rawData: new Uint8Array(0) }),
  );
  g.sparseInitializer.push(sparse('sparse_init'));
  g.quantizationAnnotation.push({
    tensorName: 'y',
    quantParameterTensorNames: [entry('SCALE_TENSOR', 'y_scale'), entry('ZERO_POINT_TENSOR', 'y_zp')],
  });
  g.valueInfo.push(
    emptyValueInfo({ name: 'seq', type: seqType, docString: 'a sequence', metadataProps: [entry('a', 'b')] }),
    emptyValueInfo({ name: 'map', type: mapType }),
    emptyValueInfo({ name: 'opt', type: optionalType }),
    emptyValueInfo({ name: 'sp', type: sparseType }),
    emptyValueInfo({ name: 'opaque', type: opaqueType }),
  );
  g.docString = 'main graph';
  g.metadataProps.push(entry('graph', 'meta'));
  g.unknownFields = [rawField(50, 2, [1, 2, 3])];

  const model = b.model;
  model.graph = g;
  model.producerVersion = '1.0';
  model.domain = 'test.models';
  model.modelVersion = 42n;
  model.docString = 'every field';
  model.metadataProps.push(entry('author', 'whittle'));
  model.configuration.push(new Uint8Array([0x0a, 0x02, 0x63, 0x30]));
  model.unknownFields = [rawField(99, 0, [0x01])];
  model.functions.push({
    name: 'MyFn',
    domain: 'test.domain',
    overload: '',
    input: ['a'],
    output: ['b'],
    attribute: ['unused'],
    attributeProto: [makeAttribute('scale', 1, AttributeType.FLOAT)],
    node: [
      emptyNode({
        opType: 'Constant',
        output: ['s'],
        attribute: [emptyAttribute({ name: 'value_float', type: AttributeType.FLOAT, refAttrName: 'scale' })],
      }),
      emptyNode({ opType: 'Mul', input: ['a', 's'], output: ['b'] }),
    ],
    valueInfo: [tensorValueInfo('s', 'float32', [])],
    docString: 'multiply by scale',
    opsetImport: [{ domain: '', version: 21n }],
    metadataProps: [entry('fn', 'meta')],
  });
  model.trainingInfo.push({
    initialization: emptyGraph({
      name: 'init',
      node: [
        emptyNode({ opType: 'RandomNormal', output: ['w0'], attribute: [makeAttribute('shape', [4n, 4n])] }),
      ],
      output: [tensorValueInfo('w0', 'float32', [4, 4])],
    }),
    algorithm: emptyGraph({
      name: 'step',
      node: [emptyNode({ opType: 'Sub', input: ['w', 'w'], output: ['w_new'] })],
      output: [tensorValueInfo('w_new', 'float32', [4, 4])],
    }),
    initializationBinding: [entry('w', 'w0')],
    updateBinding: [entry('w', 'w_new')],
  });
  return model;
}

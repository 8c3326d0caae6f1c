/**
 * Codec speed on a ~100 MB model: decode and encode against a plain copy of the same bytes.
 * Goal: decode ≤ 3× copy and encode ≤ 3× copy. Run: npm run bench:io
 */
import { decodeModel, encodeModel } from '../src/core/onnx';
import { largeModelBytes } from './resnet50-model';
import { interleavedMedians, printTable } from './timing';

const { bytes, source } = largeModelBytes();
const model = decodeModel(bytes);
const mb = bytes.length / 1e6;
console.log(
  `model: ${source}, ${mb.toFixed(1)} MB, ${model.graph!.node.length} nodes, ${model.graph!.initializer.length} initializers`,
);

const { copy, decode, encode } = interleavedMedians({
  copy: () => bytes.slice(),
  decode: () => decodeModel(bytes),
  encode: () => encodeModel(model),
});
const roundTrip = encodeModel(model);
if (roundTrip.length !== bytes.length)
  console.log(`note: re-encoded size ${roundTrip.length} differs from input ${bytes.length}`);

printTable(
  ['operation', 'median ms', 'MB/s', '× copy', 'goal'],
  [
    ['copy (bytes.slice)', copy.toFixed(1), (mb / (copy / 1e3)).toFixed(0), '1.00', ''],
    [
      'decode',
      decode.toFixed(1),
      (mb / (decode / 1e3)).toFixed(0),
      (decode / copy).toFixed(2),
      decode <= 3 * copy ? '≤ 3× met' : '≤ 3× MISSED',
    ],
    [
      'encode',
      encode.toFixed(1),
      (mb / (encode / 1e3)).toFixed(0),
      (encode / copy).toFixed(2),
      encode <= 3 * copy ? '≤ 3× met' : '≤ 3× MISSED',
    ],
  ],
);

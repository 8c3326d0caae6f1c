/**
 * Writes a one-node ONNX model whose weight lives in an external data file, byte by byte in protobuf
 * wire format, so the CLI's `--data-dir` is tested on a file the codec under test did not write.
 * Model: y[1,3] = Gemm(x[1,4], W[4,3]) with W in `weights.bin` (external, 48 bytes).
 */
const enc = new TextEncoder();

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number) => [...tag(field, 0), ...varint(n)];
const bytes = (field: number, payload: number[]) => [...tag(field, 2), ...varint(payload.length), ...payload];
const str = (field: number, s: string) => bytes(field, [...enc.encode(s)]);

const dim = (d: number | string) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d));
const valueInfo = (name: string, shape: (number | string)[]) => [
  ...str(1, name),
  ...bytes(2, bytes(1, [...int(1, 1 /* FLOAT */), ...bytes(2, shape.flatMap(dim))])),
];
const entry = (key: string, value: string) => [...str(1, key), ...str(2, value)];

/** The .onnx bytes; `location` names the external file. */
export function externalWeightModel(location: string): Uint8Array {
  const weight = [
    ...int(1, 4),
    ...int(1, 3),
    ...int(2, 1 /* FLOAT */),
    ...str(8, 'W'),
    ...bytes(13, entry('location', location)),
    ...bytes(13, entry('offset', '0')),
    ...bytes(13, entry('length', '48')),
    ...int(14, 1 /* EXTERNAL */),
  ];
  const node = [...str(1, 'x'), ...str(1, 'W'), ...str(2, 'y'), ...str(3, 'gemm'), ...str(4, 'Gemm')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'external-gemm'),
    ...bytes(5, weight),
    ...bytes(11, valueInfo('x', [1, 4])),
    ...bytes(12, valueInfo('y', [1, 3])),
  ];
  const model = [
    ...int(1, 8),
    ...str(2, 'whittle-test'),
    ...bytes(7, graph),
    ...bytes(8, [...str(1, ''), ...int(2, 13)]),
  ];
  return new Uint8Array(model);
}

/** The 12 float32 weights (48 bytes) for the external file. */
export function externalWeightData(): Uint8Array {
  return new Uint8Array(Float32Array.from({ length: 12 }, (_, i) => i / 10).buffer);
}

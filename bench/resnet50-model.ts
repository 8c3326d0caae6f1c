/**
 * A deterministic ResNet-50-shaped model (torchvision layout, BatchNorm folded into conv biases):
 * 25.5 M float32 parameters, about 102 MB — the "large model" for codec benchmarks when
 * bench/models/resnet50.onnx (a real export) is not present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ModelBuilder } from '../tests/helpers/model-builder';

function conv(
  b: ModelBuilder,
  name: string,
  x: string,
  cin: number,
  cout: number,
  k: number,
  stride: number,
  relu: boolean,
): string {
  b.initializer(`${name}.weight`, [cout, cin, k, k]).initializer(`${name}.bias`, [cout]);
  const pad = (k - 1) >> 1;
  b.node('Conv', [x, `${name}.weight`, `${name}.bias`], [`${name}.out`], {
    kernel_shape: [k, k],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
  });
  if (!relu) return `${name}.out`;
  b.node('Relu', [`${name}.out`], [`${name}.relu`]);
  return `${name}.relu`;
}

/** Builds the model's bytes (takes a second or two: 25 M seeded random weights). */
export function resnet50Bytes(): Uint8Array {
  const b = new ModelBuilder({ opset: 13, seed: 50, name: 'resnet50' }).input('input', 'float32', [
    'N',
    3,
    224,
    224,
  ]);
  let x = conv(b, 'conv1', 'input', 3, 64, 7, 2, true);
  b.node('MaxPool', [x], ['pool1'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  x = 'pool1';
  let cin = 64;
  const stages: [number, number][] = [
    [64, 3],
    [128, 4],
    [256, 6],
    [512, 3],
  ];
  stages.forEach(([width, blocks], s) => {
    for (let i = 0; i < blocks; i++) {
      const name = `layer${s + 1}.${i}`;
      const stride = i === 0 && s > 0 ? 2 : 1;
      const a = conv(b, `${name}.conv1`, x, cin, width, 1, 1, true);
      const c = conv(b, `${name}.conv2`, a, width, width, 3, stride, true);
      const d = conv(b, `${name}.conv3`, c, width, width * 4, 1, 1, false);
      const shortcut = i === 0 ? conv(b, `${name}.downsample`, x, cin, width * 4, 1, stride, false) : x;
      b.node('Add', [d, shortcut], [`${name}.sum`]).node('Relu', [`${name}.sum`], [`${name}.out`]);
      x = `${name}.out`;
      cin = width * 4;
    }
  });
  b.node('GlobalAveragePool', [x], ['gap']).node('Flatten', ['gap'], ['flat']);
  b.initializer('fc.weight', [1000, 2048]).initializer('fc.bias', [1000]);
  b.node('Gemm', ['flat', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }).output('logits', 'float32', [
    'N',
    1000,
  ]);
  return b.build().bytes;
}

/** The real export if present, else the generated stand-in. */
export function largeModelBytes(): { bytes: Uint8Array; source: string } {
  const path = 'bench/models/resnet50.onnx';
  if (existsSync(path)) return { bytes: new Uint8Array(readFileSync(path)), source: path };
  return { bytes: resnet50Bytes(), source: 'generated ResNet-50 (seed 50)' };
}

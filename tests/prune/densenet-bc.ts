/**
 * A DenseNet-BC-style classifier at toy size, as torchvision exports it with BatchNorm fused (opset
 * 13): a stem conv, dense blocks whose layers (Conv 1×1 → ReLU → Conv 3×3 → ReLU) each append their
 * `growth` channels to a running Concat, and transitions Conv 1×1 → Pad → AveragePool between blocks; then
 * GlobalAveragePool → Flatten → Gemm.
 */
import { DataType, makeTensor } from '../../src/core/onnx';
import { ModelBuilder } from '../helpers/model-builder';

export function denseNetBC({
  blocks = 2,
  layers = 3,
  stem = 8,
  growth = 4,
  size = 16,
  seed = 31,
} = {}): Uint8Array {
  const b = new ModelBuilder({ opset: 13, seed }).input('input', 'float32', ['N', 3, size, size]);
  let k = 0;
  // Fused random-init BatchNorms leave all-zero biases; the exporter keeps one per length and turns
  // the others into Identity copies of it.
  const zeros = new Map<number, string>();
  const bias = (name: string, n: number): string => {
    const first = zeros.get(n);
    if (first) b.node('Identity', [first], [name]);
    else {
      b.initializer(name, [n], new Float32Array(n));
      zeros.set(n, name);
    }
    return name;
  };
  const conv = (x: string, cin: number, cout: number, kernel: number): string => {
    const name = `/features/conv${k++}`;
    b.initializer(`${name}.weight`, [cout, cin, kernel, kernel])
      .node(
        'Conv',
        [x, `${name}.weight`, bias(`${name}.bias`, cout)],
        [`${name}/Conv_output_0`],
        kernel > 1 ? { pads: [1, 1, 1, 1] } : {},
        { name: `${name}/Conv` },
      )
      .node('Relu', [`${name}/Conv_output_0`], [`${name}/Relu_output_0`], {}, { name: `${name}/Relu` });
    return `${name}/Relu_output_0`;
  };
  let x = conv('input', 3, stem, 3);
  let channels = stem;
  for (let blk = 0; blk < blocks; blk++) {
    const parts = [x];
    for (let l = 0; l < layers; l++) {
      const cat = parts.length === 1 ? parts[0] : `/block${blk}/cat${l}`;
      if (parts.length > 1)
        b.node('Concat', [...parts], [cat], { axis: 1 }, { name: `/block${blk}/Concat${l}` });
      const bottleneck = conv(cat, channels + l * growth, 2 * growth, 1);
      parts.push(conv(bottleneck, 2 * growth, growth, 3));
    }
    const out = `/block${blk}/out`;
    b.node('Concat', parts, [out], { axis: 1 }, { name: `/block${blk}/Concat` });
    channels += layers * growth;
    if (blk < blocks - 1) {
      const t = `/transition${blk}`;
      const half = Math.floor(channels / 2);
      b.initializer(`${t}.weight`, [half, channels, 1, 1])
        .node(
          'Conv',
          [out, `${t}.weight`, bias(`${t}.bias`, half)],
          [`${t}/Conv_output_0`],
          {},
          { name: `${t}/Conv` },
        )
        // torch exports AvgPool2d as a Constant-fed Pad (of zeros) before the AveragePool.
        .node('Constant', [], [`${t}/pads`], {
          value: makeTensor('pads', DataType.INT64, [8], new BigInt64Array(8)),
        })
        .node(
          'Pad',
          [`${t}/Conv_output_0`, `${t}/pads`],
          [`${t}/Pad_output_0`],
          { mode: 'constant' },
          { name: `${t}/Pad` },
        )
        .node(
          'AveragePool',
          [`${t}/Pad_output_0`],
          [`${t}/AveragePool_output_0`],
          { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceil_mode: 0 },
          { name: `${t}/AveragePool` },
        );
      x = `${t}/AveragePool_output_0`;
      channels = half;
    } else x = out;
  }
  return b
    .initializer('fc.weight', [10, channels])
    .initializer('fc.bias', [10])
    .node('GlobalAveragePool', [x], ['pooled'])
    .node('Flatten', ['pooled'], ['flat'])
    .node('Gemm', ['flat', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, { name: '/classifier/Gemm' })
    .output('logits', 'float32', ['N', 10])
    .build().bytes;
}

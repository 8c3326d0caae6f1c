/**
 * What the 224-px studio spec drops, made in its set-up (nothing committed): a small RGB CNN at
 * 224×224 built with the tests' ONNX builder, and a folder of 224-px PNGs in class sub-folders.
 * Both deterministic (seeded weights, pixels from fixed formulas and a seeded generator).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { ModelBuilder, ints, seededRandom } from '../tests/helpers/model-builder';

export const SIZE = 224;

/**
 * Conv 3→16 /2 → Conv 16→32 /2 → Conv 32→32 → Conv 32→64 /2, each with a bias and a Relu, then
 * GlobalAveragePool → Flatten → Gemm 64→10: about 63 M MACs per image, three prunable groups.
 */
export function cnn224(): Uint8Array {
  const b = new ModelBuilder({ opset: 13, seed: 224 }).input('input', 'float32', ['N', 3, SIZE, SIZE]);
  const convs: [number, number, number][] = [
    [3, 16, 2],
    [16, 32, 2],
    [32, 32, 1],
    [32, 64, 2],
  ];
  let x = 'input';
  convs.forEach(([cin, cout, stride], i) => {
    b.initializer(`conv${i}.weight`, [cout, cin, 3, 3])
      .initializer(`conv${i}.bias`, [cout], { min: -0.05, max: 0.05 })
      .node(
        'Conv',
        [x, `conv${i}.weight`, `conv${i}.bias`],
        [`conv${i}`],
        {
          kernel_shape: ints([3, 3]),
          pads: ints([1, 1, 1, 1]),
          strides: ints([stride, stride]),
        },
        { name: `/conv${i}/Conv` },
      )
      .node('Relu', [`conv${i}`], [`relu${i}`], {}, { name: `/relu${i}/Relu` });
    x = `relu${i}`;
  });
  return b
    .node('GlobalAveragePool', [x], ['pool'], {}, { name: '/pool/GlobalAveragePool' })
    .node('Flatten', ['pool'], ['flat'], { axis: 1 }, { name: '/flatten/Flatten' })
    .initializer('fc.weight', [10, 64])
    .initializer('fc.bias', [10])
    .node('Gemm', ['flat', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, { name: '/fc/Gemm' })
    .output('logits', 'float32', ['N', 10])
    .build().bytes;
}

/**
 * `perClass` RGB PNGs of 224×224 in each of `classes` sub-folders of `dir/name` (an ImageFolder
 * layout: the sub-folders name the classes): class-specific gradients with a little seeded noise.
 * Returns the folder's path.
 */
export function imageFolder(dir: string, name: string, classes: number, perClass: number): string {
  const root = join(dir, name);
  const random = seededRandom(7);
  for (let c = 0; c < classes; c++) {
    const folder = join(root, `class-${c}`);
    mkdirSync(folder, { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const data = new Uint8Array(SIZE * SIZE * 3);
      const phase = random() * 64;
      for (let y = 0, i = 0; y < SIZE; y++)
        for (let x = 0; x < SIZE; x++, i += 3) {
          data[i] = (x * (c + 1) + phase) & 255;
          data[i + 1] = (y * (10 - c) + 2 * phase) & 255;
          data[i + 2] = ((x + y) * 2 + c * 25 + random() * 6) & 255;
        }
      const png = encode({ width: SIZE, height: SIZE, data, channels: 3, depth: 8 });
      writeFileSync(join(folder, `${String(k).padStart(3, '0')}.png`), png);
    }
  }
  return root;
}

// patchRows: im2col rows at chosen positions over kept channels, against the reference — and the
// reference against the convolution itself (a patch row · the kept weights = the conv output there).
import { referenceKernels as ref } from '../../src/kernels';
import { close, ok } from './check';
import { normals } from './random';
import type { Rng } from './random';
import type { KernelCase } from './suite';
import { GEOMETRIES, label } from './train-cases';

/** A shuffled subset of 0…n−1 (at least one). */
function subset(rng: Rng, n: number): Int32Array {
  const all = Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.6);
  if (all.length === 0) all.push(rng.int(0, n - 1));
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return Int32Array.from(all);
}

export const patchKernelCases: KernelCase[] = [
  {
    name: 'patchRows (im2col rows at chosen positions, kept channels)',
    kernels: ['patchRows'],
    async run(b, rng) {
      for (const g of GEOMETRIES) {
        const x = normals(rng, g.batch * g.inChannels * g.inHeight * g.inWidth);
        const channels = subset(rng, g.inChannels);
        const total = g.batch * g.outHeight * g.outWidth;
        // Runs of one image and jumps back and forth between images, as recovery's sampling gives.
        const positions = Int32Array.from({ length: 2 * total + 3 }, () => rng.int(0, total - 1));
        const width = channels.length * g.kernelHeight * g.kernelWidth;
        const rowStride = width + 1;
        const got = new Float32Array(positions.length * rowStride).fill(7);
        const want = new Float32Array(positions.length * rowStride).fill(7);
        const args = { ...g, x, channels, positions, rowStride };
        await b.patchRows({ ...args, out: got });
        ref.patchRows({ ...args, out: want });
        // A gather copies: exact, and the column past each patch is left alone.
        close(`patchRows ${label(g)}`, got, want, 0);
        for (let r = 0; r < positions.length; r++) ok(got[r * rowStride + width] === 7, 'patchRows wrote past a patch');
      }
    },
  },
  {
    name: 'patchRows reference · kept weights = the convolution (oracle check)',
    kernels: [],
    async run(_b, rng) {
      for (const g of GEOMETRIES.filter((x) => x.groups === 1)) {
        const x = normals(rng, g.batch * g.inChannels * g.inHeight * g.inWidth);
        const channels = subset(rng, g.inChannels);
        const k = g.kernelHeight * g.kernelWidth;
        const weight = new Float32Array(g.outChannels * g.inChannels * k);
        const kept = normals(rng, g.outChannels * channels.length * k, 0.3);
        // Weights on the kept channels only: the conv sees exactly what the patches hold.
        for (let o = 0; o < g.outChannels; o++)
          for (let c = 0; c < channels.length; c++)
            weight.set(kept.subarray((o * channels.length + c) * k, (o * channels.length + c + 1) * k), (o * g.inChannels + channels[c]) * k);
        const plane = g.outHeight * g.outWidth;
        const conv = new Float32Array(g.batch * g.outChannels * plane);
        ref.conv2dForward({ ...g, x, weight, out: conv });
        const positions = Int32Array.from({ length: g.batch * plane }, (_, i) => i);
        const width = channels.length * k;
        const rows = new Float32Array(positions.length * width);
        ref.patchRows({ ...g, x, channels, positions, rowStride: width, out: rows });
        const got = new Float32Array(conv.length);
        for (let p = 0; p < positions.length; p++) {
          const image = Math.floor(p / plane);
          for (let o = 0; o < g.outChannels; o++) {
            let s = 0;
            for (let i = 0; i < width; i++) s += rows[p * width + i] * kept[o * width + i];
            got[(image * g.outChannels + o) * plane + (p - image * plane)] = s;
          }
        }
        close(`patches · weights vs conv ${label(g)}`, got, conv, 1e-4, () => 1);
      }
    },
  },
];

/**
 * Layers accumulated one after another share one scratch buffer for their waiting rows. Whatever an
 * earlier layer left there must not reach a later layer's sums: every row is written in full before
 * the Gram and cross kernels read it (padded patch positions, the intercept column, the targets).
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/core/eval';
import { ChunkScratch, RowChunks, emptySystem, type System } from '../../src/core/prune/recover/row-chunks';
import type { ConvGeometry } from '../../src/core/prune/recover/im2col';
import { createReferenceBackend } from '../../src/kernels';
import { seededRandom } from '../../src/core/prune/recover/random';

const kernels = createReferenceBackend();

function systemsOf(kept: number[][], perPosition: number, outputs: number, intercept: boolean): System[] {
  return kept.map((k) => emptySystem(k, k.length * perPosition + (intercept ? 1 : 0), outputs));
}

function randomArray(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

/** A 3×3, stride-2, padded convolution's rows over two batches, with `scratch` as the rows' buffer. */
async function convSums(scratch: ChunkScratch): Promise<System[]> {
  const random = seededRandom(7);
  const [C, H, W] = [5, 9, 7];
  const g: ConvGeometry = { kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padTop: 1, padLeft: 1, H, W, Ho: 5, Wo: 4 };
  // Two groups of the conv, each keeping its own input channels; 3 outputs a group.
  const systems = systemsOf([[0, 2], [3, 4]], 9, 3, true);
  const totalOut = 6;
  const rows = new RowChunks(systems, g, true, kernels, 2 * 30, 1 << 20, scratch);
  for (let b = 0; b < 2; b++) {
    const x: TensorData = { type: 'float32', data: randomArray(3 * C * H * W, random), dims: [3, C, H, W] };
    // Positions across the batch's 3 images, corners (all padding around) included.
    const picks = Int32Array.from([0, 3, 4, 16, 19, 20, 21, 39, 40, 58].map((p) => p + b));
    await rows.add(x, picks, randomArray(picks.length * totalOut, random), totalOut);
  }
  await rows.flush();
  return systems;
}

/** A Gemm's rows (features gathered by index), no geometry. */
async function gemmSums(scratch: ChunkScratch): Promise<System[]> {
  const random = seededRandom(3);
  const systems = systemsOf([[1, 4, 6]], 1, 4, true);
  const rows = new RowChunks(systems, undefined, true, kernels, 12, 1 << 20, scratch);
  const x: TensorData = { type: 'float32', data: randomArray(12 * 8, random), dims: [12, 8] };
  await rows.add(x, Int32Array.from({ length: 12 }, (_, i) => i), randomArray(12 * 4, random), 4);
  await rows.flush();
  return systems;
}

describe('RowChunks with a shared scratch', () => {
  it('gives the same sums as a fresh buffer after another layer filled it with other values', async () => {
    const shared = new ChunkScratch();
    // Poison the scratch: every float a later layer could read is NaN unless it writes it first.
    shared.take(1 << 20).fill(NaN);
    for (const sums of [convSums, gemmSums]) {
      const fresh = await sums(new ChunkScratch());
      const reused = await sums(shared);
      expect(reused.every((s) => Number.isFinite(s.yy) && s.gram.every(Number.isFinite))).toBe(true);
      reused.forEach((s, k) => {
        expect(Array.from(s.gram)).toEqual(Array.from(fresh[k].gram));
        expect(Array.from(s.cross)).toEqual(Array.from(fresh[k].cross));
        expect(s.yy).toBe(fresh[k].yy);
      });
      // The layer's sums are not empty: its rows reached the kernels.
      expect(fresh[0].gram.some((v) => v !== 0)).toBe(true);
      shared.take(1 << 20).fill(NaN);
    }
  });

  it('grows when a layer needs more than the last one used, and reuses it otherwise', () => {
    const scratch = new ChunkScratch();
    const a = scratch.take(100);
    const b = scratch.take(60);
    expect(b.buffer).toBe(a.buffer);
    const c = scratch.take(500);
    expect(c.length).toBe(500);
    expect(scratch.take(200).buffer).toBe(c.buffer);
  });
});

/**
 * A histogram over [−A, A] that grows while streaming: when a batch exceeds A, A doubles and
 * neighbouring bins merge pairwise — exact, because with an even number of bins per side every old
 * bin falls wholly inside one new bin. So one pass over the data suffices and memory stays `bins`
 * counters however many batches come.
 */
import type { KernelBackend } from '../../../kernels';

export class GrowingHistogram {
  readonly counts: Uint32Array;
  /** Half-width: bins cover [−extent, extent]. 0 until the first non-zero value. */
  extent = 0;
  private readonly merged: Uint32Array;
  /** Zeros seen before any non-zero value fixed the extent. */
  private pendingZeros = 0;

  /** `bins` must be a multiple of 4 (an even count per side). */
  constructor(readonly bins = 4096) {
    if (bins % 4 !== 0) throw new RangeError('histogram bins must be a multiple of 4');
    this.counts = new Uint32Array(bins);
    this.merged = new Uint32Array(bins);
  }

  /** Adds `data`, whose largest |value| is `absMax`. */
  async add(kernels: KernelBackend, data: Float32Array, absMax: number): Promise<void> {
    if (!(absMax > 0) && this.extent === 0) {
      // All zeros so far: remember them in the middle bins once an extent exists.
      this.pendingZeros += data.length;
      return;
    }
    if (this.extent === 0) {
      this.extent = absMax;
      if (this.pendingZeros > 0) this.counts[this.bins / 2] += this.pendingZeros;
      this.pendingZeros = 0;
    }
    while (absMax > this.extent) this.grow();
    await kernels.histogram({
      data,
      lo: -this.extent,
      hi: this.extent,
      absolute: false,
      counts: this.counts,
    });
  }

  private grow(): void {
    const half = this.bins / 2;
    this.merged.fill(0);
    for (let i = 0; i < this.bins; i++) this.merged[(half >> 1) + (i >> 1)] += this.counts[i];
    this.counts.set(this.merged);
    this.extent *= 2;
  }

  /** Counts of |x| over [0, extent]: bins/2 bins, folding the two halves. */
  absolute(): Uint32Array {
    const half = this.bins / 2;
    const out = new Uint32Array(half);
    for (let j = 0; j < half; j++) out[j] = this.counts[half + j] + this.counts[half - 1 - j];
    return out;
  }
}

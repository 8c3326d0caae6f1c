import { axisSplit } from '../tensor-slice';
import type { TensorData } from '../../eval';

/** Running per-index mean and mean square of tensors along one axis (all other axes averaged). */
export class AxisMoments {
  sum: Float64Array;
  sumSq: Float64Array;
  count = 0;

  constructor(
    readonly axis: number,
    size: number,
  ) {
    this.sum = new Float64Array(size);
    this.sumSq = new Float64Array(size);
  }

  add(t: TensorData): void {
    const data = t.data as Float32Array;
    const { outer, size, inner } = axisSplit(t.dims, this.axis);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < size; i++) {
        const base = (o * size + i) * inner;
        let s = 0;
        let q = 0;
        for (let k = 0; k < inner; k++) {
          const v = data[base + k];
          s += v;
          q += v * v;
        }
        this.sum[i] += s;
        this.sumSq[i] += q;
      }
    this.count += outer * inner;
  }

  mean(i: number): number {
    return this.count ? this.sum[i] / this.count : 0;
  }

  variance(i: number): number {
    if (!this.count) return 0;
    const m = this.sum[i] / this.count;
    return Math.max(0, this.sumSq[i] / this.count - m * m);
  }
}

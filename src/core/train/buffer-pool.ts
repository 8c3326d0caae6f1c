/**
 * Reuse of a training step's activation and gradient arrays. Every step allocates the same sizes
 * again; fresh multi-megabyte typed arrays cost page faults and garbage collection, and that cost
 * was a large share of an epoch. Arrays go back to the pool only when their owner says the step that
 * made them is over ({@link TrainableModel.release}); nothing else is ever handed out twice.
 */
import { allocFloats, type Floats, type Precision } from './tensor';

export class BufferPool {
  private readonly free = new Map<number, Floats[]>();

  constructor(private readonly precision: Precision) {}

  /**
   * An array of `n` elements: a released one when there is one, else a new one. Zero-filled unless
   * `dirty` (then the caller overwrites it in full).
   */
  take(n: number, dirty = false): Floats {
    const reused = this.free.get(n)?.pop();
    if (!reused) return allocFloats(this.precision, n);
    return dirty ? reused : reused.fill(0);
  }

  /** Makes `buffers` available to later {@link take}s; the caller must not touch them again. */
  release(buffers: readonly Floats[]): void {
    for (const b of buffers) {
      const list = this.free.get(b.length);
      if (list) list.push(b);
      else this.free.set(b.length, [b]);
    }
  }
}

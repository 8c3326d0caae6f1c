/**
 * Reuse of a training step's activation and gradient arrays. Every step allocates the same sizes
 * again; fresh multi-megabyte typed arrays cost page faults (the first write to each page) and
 * garbage collection, and that cost was a large share of an epoch. Arrays go back to the pool only
 * when their owner says the step that made them is over ({@link TrainableModel.release}); nothing
 * else is ever handed out twice. A request no released array matches exactly takes the front of
 * one up to twice its size: an epoch's short last batch, or a batch after a bigger statistics pass.
 */
import { allocFloats, type Floats, type Precision } from './tensor';

export class BufferPool {
  private readonly free = new Map<number, Floats[]>();
  /** The whole array behind each view handed out from a bigger one. */
  private readonly bases = new Map<Floats, Floats>();

  constructor(private readonly precision: Precision) {}

  /**
   * An array of `n` elements: a released one when there is one, else a new one. Zero-filled unless
   * `dirty` (then the caller overwrites it in full).
   */
  take(n: number, dirty = false): Floats {
    const reused = this.free.get(n)?.pop() ?? this.front(n);
    if (!reused) return allocFloats(this.precision, n);
    return dirty ? reused : reused.fill(0);
  }

  /** The first n elements of the smallest released array of at most 2n. */
  private front(n: number): Floats | undefined {
    let best: number | undefined;
    for (const [size, list] of this.free)
      if (list.length > 0 && size > n && size <= 2 * n && (best === undefined || size < best)) best = size;
    if (best === undefined) return undefined;
    const base = this.free.get(best)!.pop()!;
    const view = base.subarray(0, n);
    this.bases.set(view, base);
    return view;
  }

  /** Makes `buffers` available to later {@link take}s; the caller must not touch them again. */
  release(buffers: readonly Floats[]): void {
    for (const view of buffers) {
      const b = this.bases.get(view) ?? view;
      this.bases.delete(view);
      const list = this.free.get(b.length);
      if (list) list.push(b);
      else this.free.set(b.length, [b]);
    }
  }
}

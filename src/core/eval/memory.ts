/**
 * Memory the pure core can see: stages hold the large buffers they allocate (activation batches,
 * accumulators, cached inputs) on a meter, which keeps the peak. Runtimes add their own arenas on
 * top, so hosts also report the process's peak resident size where they can (see the CLI).
 */

/** A browser tab's comfortable share: the default budget for streamed passes over data. */
export const DEFAULT_MEMORY_BUDGET = 1024 ** 3;

export class MemoryMeter {
  current = 0;
  peak = 0;

  /** Counts `bytes` as held until the returned function is called. */
  hold(bytes: number): () => void {
    this.current += bytes;
    if (this.current > this.peak) this.peak = this.current;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.current -= bytes;
    };
  }
}

/** Bytes held by a set of tensors' arrays. */
export function bytesOf(tensors: Iterable<{ readonly data: { readonly byteLength: number } }>): number {
  let n = 0;
  for (const t of tensors) n += t.data.byteLength;
  return n;
}

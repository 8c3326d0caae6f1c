/**
 * Values recovery keeps across batches (a kept cut, a block's targets), copied into a few large
 * buffers instead of one small array per batch. Small arrays come from the allocator's heap, and a
 * heap does not give memory back while anything above it lives: on ResNet-50 at 224 px, after the
 * passes ran at a few samples a batch, 1.2 GB of heap stayed resident through INT8 calibration,
 * most of it freed. Buffers this large are mapped apart and returned whole when dropped.
 */
import type { TensorArray, TensorData } from '../../eval';

/** Bytes per buffer: above glibc's largest mmap threshold (32 MB). */
export const SLAB_BYTES = 64 << 20;

type ArrayCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TensorArray;

export class Slabs {
  private buffer: ArrayBuffer | undefined;
  private used = 0;

  /** `remaining`: bytes the caller means to keep in all, so a small set takes no 64 MB buffer. */
  constructor(private remaining = Infinity) {
    if (!(remaining >= 0)) this.remaining = Infinity;
  }

  /** An array of `length` elements like `Ctor`'s, zeroed, inside the current buffer. */
  array<T extends TensorArray>(
    Ctor: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
    length: number,
  ): T {
    const bytes = length * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (!this.buffer || this.used + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(Math.max(Math.min(SLAB_BYTES, Math.ceil(this.remaining / 8) * 8), bytes));
      this.remaining -= this.buffer.byteLength;
      this.used = 0;
    }
    const out = new Ctor(this.buffer, this.used, length);
    // Eight-byte steps keep every element type aligned.
    this.used += Math.ceil(bytes / 8) * 8;
    return out;
  }

  /** A copy of `t` inside the current buffer. */
  copy(t: TensorData): TensorData {
    const data = this.array(t.data.constructor as ArrayCtor, t.data.length);
    (data as Float32Array).set(t.data as Float32Array);
    return { ...t, data };
  }
}

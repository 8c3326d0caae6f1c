// A bump allocator over the module's linear memory. Each kernel call resets it, reserves its
// buffers, then commits: memory grows only when a call needs more than any before it, so
// steady-state calls allocate nothing in WASM and only small views in JS.

const PAGE = 65536;

export class Arena {
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly base: number,
  ) {
    this.top = base;
  }

  reset(): this {
    this.top = this.base;
    return this;
  }

  /** Reserves `bytes` at a 16-byte-aligned offset (valid after commit()). */
  reserve(bytes: number): number {
    const p = (this.top + 15) & ~15;
    this.top = p + bytes;
    return p;
  }

  /** Grows memory to cover every reservation; call before making views. */
  commit(): void {
    const have = this.memory.buffer.byteLength;
    if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
  }

  f32(p: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, p, n);
  }

  f64(p: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, p, n);
  }

  u32(p: number, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, p, n);
  }

  i32(p: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, p, n);
  }

  i8(p: number, n: number): Int8Array {
    return new Int8Array(this.memory.buffer, p, n);
  }
}

import { I32, LEN, VARINT } from './wire-reader';

/** Writes one message's fields into a sink. Each emitter runs twice: once to size, once to write. */
export type Emitter<T> = (s: Sink, m: T) => void;

/**
 * The encoder's two passes share one emitter per message type. `SizeSink` measures every
 * length-delimited value and records the lengths in visiting order; `WriteSink` replays the same
 * visit into one buffer of the exact total size, reading the lengths back — no copying, no growth.
 */
export interface Sink {
  /** When true, tensors whose external data was resolved are written inline (`raw_data`). */
  readonly inlineExternal: boolean;
  /** An int32, enum or small unsigned field (negative values take 10 bytes, as protobuf writes them). */
  int32(field: number, v: number): void;
  int64(field: number, v: bigint): void;
  float(field: number, v: number): void;
  string(field: number, s: string): void;
  bytes(field: number, b: Uint8Array): void;
  message<T>(field: number, m: T, emit: Emitter<T>): void;
  packedF32(field: number, a: Float32Array): void;
  packedF64(field: number, a: Float64Array): void;
  packedInt32(field: number, a: Int32Array): void;
  packedInt64(field: number, a: BigInt64Array | BigUint64Array): void;
  /** Unknown fields, re-emitted verbatim (tags included). */
  raw(parts: Uint8Array[] | undefined): void;
}

const TWO_32 = 4294967296;
const encoder = new TextEncoder();

// Split registers for the 64-bit value being written (module level, so nothing is allocated).
let splitLo = 0;
let splitHi = 0;

function split(v: bigint): void {
  if (v >= -9007199254740991n && v <= 9007199254740991n) {
    const n = Number(v);
    splitLo = n >>> 0;
    splitHi = Math.floor(n / TWO_32) | 0;
  } else {
    const u = BigInt.asUintN(64, v);
    splitLo = Number(u & 0xffffffffn);
    splitHi = Number(u >> 32n) | 0;
  }
}

/** Bytes of a varint holding the 64-bit two's-complement value `hi:lo`. */
function varintSize64(lo: number, hi: number): number {
  const bits = hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
  return bits === 0 ? 1 : ((bits + 6) / 7) | 0;
}

function int32Size(v: number): number {
  return v < 0 ? 10 : varintSize64(v, 0);
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else n += 2; // BMP char or lone surrogate (written as U+FFFD): 3 bytes
  }
  return n;
}

/** First pass: counts bytes and records each length-delimited value's length in order. */
export class SizeSink implements Sink {
  n = 0;
  readonly lengths: number[] = [];
  constructor(readonly inlineExternal: boolean) {}

  private lenField(field: number, len: number): void {
    this.n += (field < 16 ? 1 : 2) + varintSize64(len, 0) + len;
  }
  int32(field: number, v: number): void {
    this.n += (field < 16 ? 1 : 2) + int32Size(v);
  }
  int64(field: number, v: bigint): void {
    split(v);
    this.n += (field < 16 ? 1 : 2) + varintSize64(splitLo, splitHi);
  }
  float(field: number): void {
    this.n += (field < 16 ? 1 : 2) + 4;
  }
  string(field: number, s: string): void {
    const len = utf8Length(s);
    this.lengths.push(len);
    this.lenField(field, len);
  }
  bytes(field: number, b: Uint8Array): void {
    this.lenField(field, b.length);
  }
  message<T>(field: number, m: T, emit: Emitter<T>): void {
    const idx = this.lengths.length;
    this.lengths.push(0);
    const start = this.n;
    emit(this, m);
    const len = this.n - start;
    this.lengths[idx] = len;
    this.n = start;
    this.lenField(field, len);
  }
  packedF32(field: number, a: Float32Array): void {
    this.lenField(field, a.byteLength);
  }
  packedF64(field: number, a: Float64Array): void {
    this.lenField(field, a.byteLength);
  }
  packedInt32(field: number, a: Int32Array): void {
    let len = 0;
    for (let i = 0; i < a.length; i++) len += int32Size(a[i]);
    this.lengths.push(len);
    this.lenField(field, len);
  }
  packedInt64(field: number, a: BigInt64Array | BigUint64Array): void {
    const halves = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
    let len = 0;
    for (let i = 0; i < a.length; i++) len += varintSize64(halves[2 * i], halves[2 * i + 1]);
    this.lengths.push(len);
    this.lenField(field, len);
  }
  raw(parts: Uint8Array[] | undefined): void {
    if (parts) for (const p of parts) this.n += p.length;
  }
}

/** Second pass: writes into a buffer of exactly the size the first pass measured. */
export class WriteSink implements Sink {
  readonly out: Uint8Array;
  private readonly view: DataView;
  private pos = 0;
  private next = 0;
  constructor(
    readonly inlineExternal: boolean,
    private readonly lengths: number[],
    size: number,
  ) {
    this.out = new Uint8Array(size);
    this.view = new DataView(this.out.buffer);
  }

  private varint(lo: number, hi: number): void {
    const out = this.out;
    let p = this.pos;
    lo >>>= 0;
    hi >>>= 0;
    while (hi !== 0 || lo > 0x7f) {
      out[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out[p++] = lo;
    this.pos = p;
  }
  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire, 0);
  }
  int32(field: number, v: number): void {
    this.tag(field, VARINT);
    this.varint(v, v < 0 ? -1 : 0);
  }
  int64(field: number, v: bigint): void {
    this.tag(field, VARINT);
    split(v);
    this.varint(splitLo, splitHi);
  }
  float(field: number, v: number): void {
    this.tag(field, I32);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }
  string(field: number, s: string): void {
    const len = this.lengths[this.next++];
    this.tag(field, LEN);
    this.varint(len, 0);
    const out = this.out;
    const p = this.pos;
    if (len === s.length && len < 256) {
      for (let i = 0; i < len; i++) out[p + i] = s.charCodeAt(i); // ASCII: one byte per code unit
    } else encoder.encodeInto(s, out.subarray(p, p + len));
    this.pos = p + len;
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(b.length, 0);
    this.out.set(b, this.pos);
    this.pos += b.length;
  }
  message<T>(field: number, m: T, emit: Emitter<T>): void {
    const len = this.lengths[this.next++];
    this.tag(field, LEN);
    this.varint(len, 0);
    emit(this, m);
  }
  packedF32(field: number, a: Float32Array): void {
    this.bytes(field, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  packedF64(field: number, a: Float64Array): void {
    this.bytes(field, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  packedInt32(field: number, a: Int32Array): void {
    this.tag(field, LEN);
    this.varint(this.lengths[this.next++], 0);
    for (let i = 0; i < a.length; i++) this.varint(a[i], a[i] < 0 ? -1 : 0);
  }
  packedInt64(field: number, a: BigInt64Array | BigUint64Array): void {
    const halves = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
    this.tag(field, LEN);
    this.varint(this.lengths[this.next++], 0);
    for (let i = 0; i < a.length; i++) this.varint(halves[2 * i], halves[2 * i + 1]);
  }
  raw(parts: Uint8Array[] | undefined): void {
    if (!parts) return;
    for (const p of parts) {
      this.out.set(p, this.pos);
      this.pos += p.length;
    }
  }
  /** Checks the second pass wrote exactly what the first measured. */
  finish(): Uint8Array {
    if (this.pos !== this.out.length)
      throw new Error(`ONNX encoder wrote ${this.pos} bytes, measured ${this.out.length}.`);
    return this.out;
  }
}

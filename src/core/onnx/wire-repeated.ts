import { I32, I64, LEN, VARINT, type ProtoReader } from './wire-reader';

// Repeated scalars arrive packed (one length-delimited run) or unpacked (one field per element);
// protobuf readers must accept both. Packed fixed-width runs become views over the file when the
// offset is aligned for the element type (little-endian hosts only — every browser and Node).

type FixedArray = Float32Array | Float64Array;

function fixedRun<T extends FixedArray>(
  r: ProtoReader,
  wire: number,
  ctor: {
    new (buf: ArrayBufferLike, off: number, len: number): T;
    new (len: number): T;
    BYTES_PER_ELEMENT: number;
  },
): T {
  const size = ctor.BYTES_PER_ELEMENT;
  const at = r.pos;
  const len = wire === LEN ? r.length() : size;
  r.need(len);
  if (len % size !== 0)
    throw r.fail(
      `File is corrupt: a packed run in ${r.where()} is ${len} bytes, not a multiple of ${size} (byte ${at}).`,
      at,
    );
  const p = r.pos;
  r.pos = p + len;
  const b = r.bytes;
  const off = b.byteOffset + p;
  if (off % size === 0) return new ctor(b.buffer, off, len / size);
  return new ctor(b.slice(p, p + len).buffer, 0, len / size);
}

/** Reads one chunk of a `repeated float` field (packed run or single element). */
export function readF32Run(r: ProtoReader, wire: number): Float32Array {
  if (wire !== LEN && wire !== I32) throw wrongWire(r, wire);
  return fixedRun(r, wire, Float32Array);
}

/** Reads one chunk of a `repeated double` field (packed run or single element). */
export function readF64Run(r: ProtoReader, wire: number): Float64Array {
  if (wire !== LEN && wire !== I64) throw wrongWire(r, wire);
  return fixedRun(r, wire, Float64Array);
}

function wrongWire(r: ProtoReader, wire: number): Error {
  return r.fail(`File is corrupt: a repeated number in ${r.where()} has wire type ${wire} (byte ${r.pos}).`);
}

/**
 * Reads one chunk of a varint field: calls `each` with the reader's `lo`/`hi` registers set,
 * `count` times. A packed run's element count is the number of its bytes without the high bit.
 */
function varintRun(
  r: ProtoReader,
  wire: number,
  alloc: (count: number) => void,
  each: (i: number) => void,
): void {
  if (wire === VARINT) {
    alloc(1);
    r.varint64();
    each(0);
    return;
  }
  if (wire !== LEN) throw wrongWire(r, wire);
  const len = r.length();
  const start = r.pos;
  const stop = start + len;
  const b = r.bytes;
  let count = 0;
  for (let i = start; i < stop; i++) if (b[i] < 0x80) count++;
  alloc(count);
  const outer = r.end;
  r.end = stop;
  for (let i = 0; i < count; i++) {
    r.varint64();
    each(i);
  }
  if (r.pos !== stop)
    throw r.fail(`File is corrupt: a packed run in ${r.where()} ends inside a number (byte ${r.pos}).`);
  r.end = outer;
}

/** Reads one chunk of `repeated int32` into an Int32Array. */
export function readInt32Run(r: ProtoReader, wire: number): Int32Array {
  let out = new Int32Array(0);
  varintRun(
    r,
    wire,
    (n) => (out = new Int32Array(n)),
    (i) => (out[i] = r.lo),
  );
  return out;
}

/** Reads one chunk of `repeated int64` into a BigInt64Array, writing halves so no bigint is made. */
export function readInt64Run(r: ProtoReader, wire: number): BigInt64Array {
  let out = new BigInt64Array(0);
  let halves = new Int32Array(0);
  varintRun(
    r,
    wire,
    (n) => {
      out = new BigInt64Array(n);
      halves = new Int32Array(out.buffer);
    },
    (i) => {
      halves[2 * i] = r.lo;
      halves[2 * i + 1] = r.hi;
    },
  );
  return out;
}

/** Reads one chunk of `repeated uint64` into a BigUint64Array. */
export function readUint64Run(r: ProtoReader, wire: number): BigUint64Array {
  const signed = readInt64Run(r, wire);
  return new BigUint64Array(signed.buffer, signed.byteOffset, signed.length);
}

/** Appends one chunk of `repeated int64` to a bigint list (attribute ints, dims). */
export function pushInt64s(r: ProtoReader, wire: number, into: bigint[]): void {
  if (wire === VARINT) {
    into.push(r.int64());
    return;
  }
  for (const v of readInt64Run(r, wire)) into.push(v);
}

/** Appends one chunk of `repeated float` to a number list (attribute floats). */
export function pushFloats(r: ProtoReader, wire: number, into: number[]): void {
  for (const v of readF32Run(r, wire)) into.push(v);
}

/** Joins the chunks of a repeated field read in several pieces (rare: unpacked or split runs). */
export function joinRuns<T extends Float32Array | Float64Array | Int32Array | BigInt64Array | BigUint64Array>(
  parts: T[],
): T {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.length;
  const ctor = parts[0].constructor as new (n: number) => T;
  const out = new ctor(total);
  let at = 0;
  for (const p of parts) {
    (out as unknown as { set(a: T, o: number): void }).set(p, at);
    at += p.length;
  }
  return out;
}

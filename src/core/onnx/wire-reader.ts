import { OnnxFormatError } from './errors';
import type { UnknownFields } from './types';

/** Protobuf wire types (the low three bits of a tag). */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Deeper nesting than this is treated as a hostile file (protobuf's own parsers stop at 100). */
export const MAX_DEPTH = 100;

const TWO_32 = 4294967296;
// Tolerant UTF-8: malformed sequences become U+FFFD rather than failing the whole model.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * An external data file read by range, so a large file is never held whole and its size is checked
 * against a tensor's offset and length before anything is read.
 */
export interface ExternalDataFile {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** Looks up an external data file (its bytes, or a ranged reader) by its `location` key. */
export type ExternalDataLookup = (location: string) => Uint8Array | ExternalDataFile | undefined;

/**
 * A cursor over protobuf bytes. Every read is bounded by `end`, the end of the message being read,
 * so a damaged length can never make a field spill into its neighbour or past the file.
 * Errors name `whereKind`/`whereName`, the innermost tensor, node or graph being decoded.
 */
export class ProtoReader {
  readonly bytes: Uint8Array;
  pos = 0;
  end: number;
  depth = 0;
  whereKind = 'model';
  whereName = '';
  /** Resolves tensors stored outside the file; set by `decodeModel`. */
  externalData: ExternalDataLookup | undefined;
  // Result registers of `varint64`, kept as fields so reading an int64 allocates nothing.
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.end = bytes.length;
  }

  /** Human words for the thing being decoded, e.g. `tensor 'conv1.weight'`. */
  where(): string {
    return this.whereName ? `${this.whereKind} '${this.whereName}'` : `a ${this.whereKind}`;
  }

  fail(message: string, at = this.pos): OnnxFormatError {
    return new OnnxFormatError('corrupt', message, at);
  }

  /** An error for `need` bytes starting at `at` that do not fit in the current message. */
  private overrun(need: number, at: number): OnnxFormatError {
    const remain = this.end - at;
    if (this.end === this.bytes.length) {
      return new OnnxFormatError(
        'truncated',
        `File is truncated: ${this.where()} needs ${need} bytes but only ${remain} remain.`,
        at,
      );
    }
    return this.fail(
      `File is corrupt: a field of ${this.where()} claims ${need} bytes but its message has only ${remain} left (byte ${at}).`,
      at,
    );
  }

  /** Throws unless `n` more bytes are left in the current message. */
  need(n: number): void {
    if (this.end - this.pos < n) throw this.overrun(n, this.pos);
  }

  /** Reads a varint and returns its low 32 bits as a signed integer (int32 and enum fields). */
  int32(): number {
    const b = this.bytes;
    const p = this.pos;
    if (p < this.end && b[p] < 0x80) {
      this.pos = p + 1;
      return b[p];
    }
    this.varint64();
    return this.lo;
  }

  /** Reads a varint of up to 64 bits into `lo` and `hi` (two's-complement halves). */
  varint64(): void {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= end) throw this.overrun(1, p);
      const byte = b[p++];
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.pos = p;
        this.lo = lo;
        this.hi = hi;
        return;
      }
    }
    throw this.fail(`File is corrupt: a number in ${this.where()} runs past 10 bytes (byte ${this.pos}).`);
  }

  /** Reads an int64 varint as a bigint (negative values are sign-extended by the writer). */
  int64(): bigint {
    this.varint64();
    const n = this.hi * TWO_32 + (this.lo >>> 0);
    if (Number.isSafeInteger(n)) return BigInt(n);
    return BigInt.asIntN(64, (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0));
  }

  /** Reads an unsigned varint that must fit in a JS number exactly (lengths, tags). */
  uint(): number {
    const b = this.bytes;
    const p = this.pos;
    if (p < this.end && b[p] < 0x80) {
      this.pos = p + 1;
      return b[p];
    }
    this.varint64();
    const n = (this.hi >>> 0) * TWO_32 + (this.lo >>> 0);
    if (n > Number.MAX_SAFE_INTEGER)
      throw this.fail(`File is corrupt: a length in ${this.where()} is ${n} bytes (byte ${p}).`, p);
    return n;
  }

  /** Reads a field tag; the caller splits it into `tag >>> 3` (field) and `tag & 7` (wire type). */
  tag(): number {
    const at = this.pos;
    const tag = this.uint();
    if (tag < 8 || tag > 0xffffffff)
      throw this.fail(
        `File is corrupt: field number ${Math.floor(tag / 8)} in ${this.where()} is not valid (byte ${at}).`,
        at,
      );
    return tag;
  }

  /** Reads a length prefix and checks the bytes it announces are there. */
  length(): number {
    const len = this.uint();
    if (len > this.end - this.pos) throw this.overrun(len, this.pos);
    return len;
  }

  /** Reads a length-delimited field as a view over the input (no copy). */
  bytesView(): Uint8Array {
    const len = this.length();
    const p = this.pos;
    this.pos = p + len;
    return this.bytes.subarray(p, p + len);
  }

  string(): string {
    const len = this.length();
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + len;
    if (len === 0) return '';
    if (len <= 12) {
      // Short names: building the string in JS beats TextDecoder's per-call cost (measured).
      let out = '';
      for (let i = p; i < p + len; i++) {
        const c = b[i];
        if (c >= 0x80) return utf8.decode(b.subarray(p, p + len));
        out += String.fromCharCode(c);
      }
      return out;
    }
    return utf8.decode(b.subarray(p, p + len));
  }

  float(): number {
    this.need(4);
    const p = this.pos;
    this.pos = p + 4;
    const b = this.bytes;
    return new DataView(b.buffer, b.byteOffset + p, 4).getFloat32(0, true);
  }

  /** Enters a length-delimited sub-message, decodes it with `decode`, and returns the result. */
  message<T>(decode: (r: ProtoReader) => T): T {
    const len = this.uint();
    const start = this.pos;
    const outer = this.end;
    // A message cut off by the end of the file is decoded up to that end, so the error names the
    // innermost tensor or node that lost its bytes rather than the graph around it.
    const cut = len > outer - start;
    if (cut && outer !== this.bytes.length) throw this.overrun(len, start);
    this.end = cut ? outer : start + len;
    if (++this.depth > MAX_DEPTH) {
      throw this.fail(
        `File is corrupt: messages are nested more than ${MAX_DEPTH} deep inside ${this.where()} (byte ${start}).`,
      );
    }
    const value = decode(this);
    if (cut) throw this.overrun(len, start);
    this.depth--;
    this.end = outer;
    return value;
  }

  /** Skips the value of a field of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case VARINT:
        this.varint64();
        return;
      case I64:
      case I32: {
        const n = wire === I64 ? 8 : 4;
        this.need(n);
        this.pos += n;
        return;
      }
      case LEN: {
        const len = this.length(); // read first: `pos += length()` would add to the stale pos
        this.pos += len;
        return;
      }
      default:
        throw this.fail(
          `File is corrupt: wire type ${wire} in ${this.where()} is not used by ONNX (byte ${this.pos}).`,
        );
    }
  }

  /**
   * Handles a field the message decoder did not match. A field number in `known` (bit per number)
   * arrived with the wrong wire type, which is damage; any other number is kept verbatim.
   */
  other(tag: number, tagStart: number, known: number, target: { unknownFields?: UnknownFields }): void {
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field < 32 && (known >>> field) & 1) {
      throw this.fail(
        `File is corrupt: field ${field} of ${this.where()} has wire type ${wire}, which that field never uses (byte ${tagStart}).`,
        tagStart,
      );
    }
    this.skip(wire);
    (target.unknownFields ??= []).push(this.bytes.subarray(tagStart, this.pos));
  }
}

/** A bit mask of field numbers, for `ProtoReader.other`. */
export function fieldMask(...fields: number[]): number {
  let mask = 0;
  for (const f of fields) mask |= 1 << f;
  return mask;
}

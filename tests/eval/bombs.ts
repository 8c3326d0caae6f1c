/**
 * Decompression bombs built in memory for the hostile-input tests: a few megabytes of deflate that
 * inflate to gigabytes, wrapped as gzip, zip/npz members or a PNG header. Nothing large is written to
 * the repository; the bombs are made in milliseconds by repeating one flushed deflate block.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MiB = 2 ** 20;
const zeroMiB = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_SYNC_FLUSH });
/** An empty final fixed-Huffman block: ends any run of sync-flushed (byte-aligned) blocks. */
const finalBlock = Buffer.from([0x03, 0x00]);

/** Raw deflate of `prefix` followed by `zeros` zero bytes (each MiB of zeros costs ~1 KB compressed). */
export function deflateBomb(zeros: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  const flushed = (b: Uint8Array) => deflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [];
  if (prefix.length) parts.push(flushed(prefix));
  for (let i = 0; i < Math.floor(zeros / MiB); i++) parts.push(zeroMiB);
  if (zeros % MiB) parts.push(flushed(Buffer.alloc(zeros % MiB)));
  parts.push(finalBlock);
  return new Uint8Array(Buffer.concat(parts));
}

/** A gzip file around raw deflate; `isize` is what the trailer claims (the CRC is left zero). */
export function gzipOf(deflated: Uint8Array, isize: number): Uint8Array {
  const out = Buffer.alloc(10 + deflated.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  out.set(deflated, 10);
  out.writeUInt32LE(isize >>> 0, out.length - 4);
  return new Uint8Array(out);
}

export interface ZipMemberSpec {
  readonly path: string;
  /** Stored bytes, or raw deflate with the size the headers declare. */
  readonly data: Uint8Array;
  readonly deflatedSize?: number;
}

/** A zip archive (no zip64, CRCs zero: the reader under test does not check them). */
export function zipOf(members: readonly ZipMemberSpec[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.path);
    const method = m.deflatedSize === undefined ? 0 : 8;
    const size = m.deflatedSize ?? m.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(m.data.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(m.data));
    centrals.push(central, name);
    offset += 30 + name.length + m.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** A valid 8-bit RGBA PNG of `width × height` black pixels: a few hundred KB that decode to w·h·4 bytes. */
export function pngBomb(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  // Every scanline is filter byte 0 and zero pixels, so the zlib stream is all zeros: Adler-32 is (N mod 65521) << 16 | 1.
  const raw = height * (1 + 4 * width);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((raw % 65521) << 16) | 1) >>> 0);
  const idat = Buffer.concat([Buffer.from([0x78, 0x9c]), Buffer.from(deflateBomb(raw)), adler]);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', idat),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

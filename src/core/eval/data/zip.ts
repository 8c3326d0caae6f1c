import { DatasetError } from '../errors';
import type { FileEntry, FileSource } from './file-source';
import { inflateBounded } from './inflate';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';

/** Where one member's bytes lie in the archive. */
interface ZipMember {
  readonly path: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const END_OF_CENTRAL_DIR = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** A zip as a source, plus reading just the start of a member (a `.npy` header) without inflating it all. */
export interface ZipFileSource extends FileSource {
  readPrefix(path: string, bytes: number): Promise<Uint8Array>;
}

/**
 * A zip archive as a file source. The central directory is read once; each member is inflated only when
 * a batch reads it, so a large image zip never sits decompressed in memory, and no member may inflate
 * past `limits.maxInflatedBytes` or its declared size. Stored (0) and deflate (8) members are supported
 * (PKWARE APPNOTE 4.3); zip64 archives are not.
 */
export function zipFileSource(
  name: string,
  bytes: Uint8Array,
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): ZipFileSource {
  const members = readCentralDirectory(name, bytes);
  const byPath = new Map(members.map((m) => [m.path, m]));
  const member = (path: string) => {
    const m = byPath.get(path);
    if (m === undefined) throw new DatasetError(path, `${name} has no member ${path}.`);
    return m;
  };
  return {
    name,
    list: async () => members.map((m): FileEntry => ({ path: m.path, size: m.size })),
    read: async (path) => readMember(name, bytes, member(path), limits),
    readPrefix: async (path, count) => readMember(name, bytes, member(path), limits, count),
  };
}

/** True when the bytes start like a zip archive. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

function readCentralDirectory(name: string, bytes: Uint8Array): ZipMember[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits in the last 22 bytes plus an optional comment of up to 65,535 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIR) {
      end = i;
      break;
    }
  }
  if (end < 0)
    throw new DatasetError(name, `${name} is not a zip archive (no end-of-central-directory record).`);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff)
    throw new DatasetError(name, `${name} is a zip64 archive, which is not supported.`);
  const decoder = new TextDecoder();
  const members: ZipMember[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_HEADER) {
      throw new DatasetError(name, `${name} has a damaged central directory (entry ${i}).`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const path = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (!path.endsWith('/')) {
      members.push({
        path,
        method: view.getUint16(at + 10, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        localHeaderOffset: view.getUint32(at + 42, true),
      });
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

function readMember(
  name: string,
  bytes: Uint8Array,
  m: ZipMember,
  limits: DataLimits,
  prefix?: number,
): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = m.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) {
    throw new DatasetError(m.path, `${name}: member ${m.path} has a damaged local header.`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const data = bytes.subarray(start, start + m.compressedSize);
  if (data.length !== m.compressedSize)
    throw new DatasetError(m.path, `${name}: member ${m.path} is truncated.`);
  if (m.method === 0) return prefix === undefined ? data : data.subarray(0, prefix);
  if (m.method !== 8)
    throw new DatasetError(
      m.path,
      `${name}: member ${m.path} uses compression method ${m.method}, not stored or deflate.`,
    );
  return inflateBounded(data, {
    item: m.path,
    what: `${name}: member ${m.path}`,
    format: 'deflate',
    declared: m.size,
    exact: true,
    prefix,
    limits,
  });
}

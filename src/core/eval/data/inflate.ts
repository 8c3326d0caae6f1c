import { Gunzip, Inflate } from 'fflate';
import { DatasetError } from '../errors';
import { inflateLimitError, type DataLimits } from './limits';

/** Compressed bytes fed per step: deflate expands at most ~1032×, so one step yields ≤ 17 MB. */
const STEP = 16 * 1024;

export interface InflateRequest {
  /** The file or member, for messages. */
  readonly item: string;
  /** How messages name it (`data.zip: member x.npy`). */
  readonly what: string;
  /** Raw deflate (zip members) or gzip. */
  readonly format: 'deflate' | 'gzip';
  /** The size the container declares (zip's uncompressed size, gzip's ISIZE): allocated up front. */
  readonly declared?: number;
  /** A zip member must inflate to exactly `declared`; gzip's ISIZE is only a hint (it wraps at 4 GiB). */
  readonly exact?: boolean;
  /** Stop after this many bytes (a header is all that is wanted). */
  readonly prefix?: number;
  readonly limits: DataLimits;
}

/**
 * Inflates step by step, so a bomb is stopped at the limit instead of after it has filled memory: the
 * output never holds more than `limits.maxInflatedBytes` (plus one step) at any time.
 */
export function inflateBounded(compressed: Uint8Array, request: InflateRequest): Uint8Array {
  const { item, what, limits, declared, exact, prefix } = request;
  const cap = Math.min(limits.maxInflatedBytes, prefix ?? Infinity);
  if (prefix === undefined && declared !== undefined && declared > limits.maxInflatedBytes)
    throw inflateLimitError(item, what, limits);
  const sink = new Sink(declared !== undefined ? Math.min(declared, cap) : 0);
  let done = false;
  const onData = (chunk: Uint8Array, final: boolean) => {
    // A prefix read keeps only the bytes it asked for, never a step's worth more.
    sink.add(prefix === undefined ? chunk : chunk.subarray(0, Math.max(0, prefix - sink.length)));
    if (final) done = true;
  };
  const stream = request.format === 'gzip' ? new Gunzip(onData) : new Inflate(onData);
  try {
    for (let at = 0; at < compressed.length && !done; at += STEP) {
      const end = Math.min(at + STEP, compressed.length);
      stream.push(compressed.subarray(at, end), end === compressed.length);
      if (sink.length > limits.maxInflatedBytes || (prefix !== undefined && sink.length >= prefix)) break;
      if (exact && declared !== undefined && sink.length > declared) break;
    }
  } catch (e) {
    throw new DatasetError(item, `${what} cannot be inflated (${(e as Error).message}).`);
  }
  if (prefix !== undefined) return sink.bytes().subarray(0, Math.min(prefix, sink.length));
  if (sink.length > limits.maxInflatedBytes) throw inflateLimitError(item, what, limits);
  if (exact && declared !== undefined && sink.length !== declared) {
    const got =
      sink.length > declared ? `past the ${declared} bytes` : `to ${sink.length} bytes, not the ${declared}`;
    throw new DatasetError(item, `${what} is damaged: it inflates ${got} its header declares.`);
  }
  if (!done) throw new DatasetError(item, `${what} is truncated (its compressed stream ends early).`);
  return sink.bytes();
}

/** Output gathered into one buffer sized up front when the size is known, in extra chunks beyond it. */
class Sink {
  private readonly first: Uint8Array;
  private filled = 0;
  private readonly extra: Uint8Array[] = [];
  length = 0;

  constructor(expected: number) {
    this.first = new Uint8Array(expected);
  }

  add(chunk: Uint8Array): void {
    const room = Math.min(this.first.length - this.filled, chunk.length);
    this.first.set(chunk.subarray(0, room), this.filled);
    this.filled += room;
    if (room < chunk.length) this.extra.push(chunk.subarray(room));
    this.length += chunk.length;
  }

  bytes(): Uint8Array {
    if (this.extra.length === 0) return this.first.subarray(0, this.filled);
    const out = new Uint8Array(this.length);
    out.set(this.first.subarray(0, this.filled));
    let at = this.filled;
    for (const c of this.extra) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

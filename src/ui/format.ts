/** Number formatting for the views; a fixed locale so figures read the same on every machine. */
import { compactShape } from '../core/graph';
const grouped = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** `9345920` → `9,345,920`. */
export const formatCount = (n: number): string => grouped.format(n);

/** `9345920` → `9.35M`. */
export const formatCompact = (n: number): string => compact.format(n);

/** Bytes in binary units: `315023` → `307.6 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * `['batch', 1, 28, 28]` → `[batch, 1, 28, 28]`, `['p2o.DynamicDimension.0', 384, 'unk_3', 'unk_4']` →
 * `[N, 384, ?, ?]`: long symbol names shortened so channel counts stay visible; a scalar is `[]`.
 */
export const formatShape = (shape: readonly (number | string)[]): string => compactShape(shape);

/** A MAC count, or "unknown" while it waits for an input size. */
export const formatMacs = (n: number | null, format: (n: number) => string = formatCount): string =>
  n === null ? 'unknown' : format(n);

/** The sentence under an unknown cost: which input's size to set, and where. */
export const unknownMacsHint = (input: { input: string; shape: readonly (number | string)[] }): string =>
  `Unknown until the input size is set: input '${input.input}' is ${compactShape(input.shape)}. Give a height×width under Data › Input size, or attach data.`;

/** `{ domain: '', version: 13 }` → `ai.onnx 13`. */
export const formatOpset = (opset: { domain: string; version: number }): string =>
  `${opset.domain === '' ? 'ai.onnx' : opset.domain} ${opset.version}`;

/** `plural(1, 'node')` → `1 node`, `plural(8, 'node')` → `8 nodes`. */
export const plural = (n: number, word: string): string => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

/** Milliseconds with about four significant digits: `0.61234` → `0.612 ms`, `153.44` → `153.4 ms`. */
export const formatMs = (ms: number): string => `${ms.toFixed(ms < 10 ? 3 : ms < 100 ? 2 : 1)} ms`;

/** A runtime key from the profile's timer in words: `wasm/4` → `onnxruntime wasm, 4 threads`. */
export function formatRuntimeKey(key: string): string {
  const [backend, threads] = key.split('/');
  const n = Number(threads);
  return Number.isFinite(n) && threads
    ? `onnxruntime ${backend}, ${plural(n, 'thread')}`
    : `onnxruntime ${key}`;
}

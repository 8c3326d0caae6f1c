import { DatasetError } from '../errors';
import { baseName, extension } from './file-source';
import { parseIdx } from './idx';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';
import { parseNpy } from './npy';

/** Labels read from a file, in dataset order. */
export interface LabelList {
  readonly labels: Int32Array;
  readonly classNames?: readonly string[];
}

/**
 * Reads labels for `paths` (the dataset's items in order) from an IDX labels file, a `.npy` of integers,
 * or text: either one label per line in item order, or `path label` lines (comma, tab or space separated;
 * a path may be given relative or by base name). Text labels that are not integers are class names,
 * numbered in sorted order.
 */
export function readLabelsFile(
  file: string,
  bytes: Uint8Array,
  paths: readonly string[],
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): LabelList {
  const binary = labelsFromBinary(file, bytes, limits);
  const list = binary ? { labels: binary } : labelsFromText(file, new TextDecoder().decode(bytes), paths);
  return checkCount(file, list, paths.length);
}

function checkCount(file: string, list: LabelList, count: number): LabelList {
  if (list.labels.length !== count) {
    throw new DatasetError(
      file,
      `Mismatched label count: ${file} has ${list.labels.length} labels for ${count} samples.`,
    );
  }
  return list;
}

function labelsFromBinary(file: string, bytes: Uint8Array, limits: DataLimits): Int32Array | undefined {
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (gz || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0x08))
    return Int32Array.from(parseIdx(file, bytes, 1, limits).data);
  if (extension(file) === 'npy') return integerLabels(file, parseNpy(file, bytes));
  return undefined;
}

/** Integer labels from a rank-1 (or N×1) npy array. */
export function integerLabels(file: string, array: ReturnType<typeof parseNpy>): Int32Array {
  if (array.shape.length === 0 || array.shape.slice(1).some((d) => d !== 1)) {
    throw new DatasetError(
      file,
      `${file} holds labels of shape [${array.shape.join(', ')}]; one integer per sample was expected.`,
    );
  }
  if (array.dtype.startsWith('f'))
    throw new DatasetError(file, `${file} holds ${array.dtype} labels; integers were expected.`);
  const out = new Int32Array(array.shape[0]);
  for (let i = 0; i < out.length; i++) out[i] = int32Label(file, i, Number(array.data[i]));
  return out;
}

/** A label as stored, refused rather than wrapped when an Int32Array cannot hold it (2^32 + 1 → 1). */
function int32Label(file: string, sample: number, value: number): number {
  if (value >= -0x80000000 && value <= 0x7fffffff) return value;
  const item = `sample ${sample}`;
  throw new DatasetError(item, `${file} gives ${item} the label ${value}, beyond any class index.`);
}

function labelsFromText(file: string, text: string, paths: readonly string[]): LabelList {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const pairs = lines.map((line) => {
    const m = /^(.*\S)[\s,]+(\S+)$/.exec(line);
    return m ? { path: m[1].replace(/,$/, ''), label: m[2] } : { path: undefined, label: line };
  });
  const named = pairs.length > 0 && pairs.every((p) => p.path !== undefined);
  const raw = named
    ? orderByPath(file, pairs as { path: string; label: string }[], paths)
    : pairs.map((p) => p.label);
  if (raw.every((l) => /^-?\d+$/.test(l)))
    return { labels: Int32Array.from(raw, (l, i) => int32Label(file, i, Number(l))) };
  const classNames = [...new Set(raw)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { labels: Int32Array.from(raw, (l) => index.get(l) ?? -1), classNames };
}

function orderByPath(
  file: string,
  pairs: { path: string; label: string }[],
  paths: readonly string[],
): string[] {
  const byPath = new Map<string, string>();
  for (const p of pairs) {
    byPath.set(p.path, p.label);
    byPath.set(baseName(p.path), p.label);
  }
  return paths.map((path) => {
    const label = byPath.get(path) ?? byPath.get(baseName(path));
    if (label === undefined) throw new DatasetError(path, `${file} has no label for ${path}.`);
    return label;
  });
}

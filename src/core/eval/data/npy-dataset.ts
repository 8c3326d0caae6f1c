import { DatasetError } from '../errors';
import type { Dataset, Sample } from './dataset';
import { integerLabels } from './labels-file';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';
import { parseNpy, readNpyHeader, type NpyArray } from './npy';
import { zipFileSource } from './zip';

const INPUT_KEYS = ['x', 'images', 'image', 'inputs', 'input', 'data', 'x_test', 'x_train'];
const LABEL_KEYS = ['y', 'labels', 'label', 'targets', 'target', 'y_test', 'y_train'];

/**
 * A dataset from NumPy arrays. `uint8` arrays of shape (N, H, W) or (N, H, W, C≤4) are images and go
 * through preprocessing; any other array is N samples of already-preprocessed values, fed as float32.
 */
export function npyDataset(
  inputs: { path: string; array: NpyArray },
  labels?: { path: string; array: NpyArray },
): Dataset {
  const { path, array } = inputs;
  const [n, ...dims] = array.shape;
  if (array.shape.length < 2)
    throw new DatasetError(
      path,
      `${path} has shape [${array.shape.join(', ')}]; samples need at least rank 2 (N, …).`,
    );
  if (n === 0) throw new DatasetError(path, `${path} holds no samples.`);
  // Empty samples would make N (up to billions) runs over nothing.
  if (dims.some((d) => d === 0))
    throw new DatasetError(
      path,
      `${path} has shape [${array.shape.join(', ')}]; its samples hold no values.`,
    );
  const labelArray = labels ? integerLabels(labels.path, labels.array) : undefined;
  if (labelArray && labels && labelArray.length !== n) {
    throw new DatasetError(
      labels.path,
      `Mismatched label count: ${labels.path} has ${labelArray.length} labels for ${n} samples in ${path}.`,
    );
  }
  const image =
    array.dtype === 'u1' && (dims.length === 2 || (dims.length === 3 && dims[2] >= 1 && dims[2] <= 4));
  const stride = dims.reduce((a, b) => a * b, 1);
  const [h, w, c = 1] = dims;
  const sampleDims = image ? [h, w, c] : dims;
  return {
    name: path,
    description: `NumPy ${path}: ${n} ${image ? `images ${h}×${w}×${c}` : `samples [${dims.join(', ')}] ${array.dtype}`}, ${labelArray ? 'labelled' : 'unlabelled'}`,
    size: n,
    sampleKind: image ? 'image' : 'tensor',
    sampleDims,
    labels: labelArray,
    read: async (start, count) => {
      const out: Sample[] = [];
      for (let i = start; i < Math.min(n, start + count); i++) {
        const data = array.data.subarray(i * stride, (i + 1) * stride);
        const item = `${path}#${i}`;
        out.push(
          image
            ? {
                kind: 'image',
                path: item,
                image: { width: w, height: h, channels: c as 1 | 2 | 3 | 4, data: data as Uint8Array },
              }
            : { kind: 'tensor', path: item, data, dims },
        );
      }
      return out;
    },
  };
}

/** Enough of a member to hold any real `.npy` header (numpy writes a few hundred bytes). */
const NPY_HEADER_PREFIX = 64 * 1024;

/**
 * A `.npz` archive: picks the inputs and labels arrays by their usual names (`x`/`images`, `y`/`labels`).
 * Only those two members are inflated; the others are never decompressed (at most their headers are).
 */
export async function npzDataset(
  path: string,
  bytes: Uint8Array,
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): Promise<Dataset> {
  const zip = zipFileSource(path, bytes, limits);
  const keys = (await zip.list()).filter((e) => e.path.endsWith('.npy')).map((e) => e.path.slice(0, -4));
  const pick = (names: string[]) => names.find((k) => keys.includes(k));
  const rank = async (key: string) =>
    readNpyHeader(`${path}:${key}.npy`, await zip.readPrefix(`${key}.npy`, NPY_HEADER_PREFIX)).shape.length;
  let labelKey = pick(LABEL_KEYS);
  let inputKey = pick(INPUT_KEYS);
  if (keys.length === 1) inputKey ??= keys[0];
  if (keys.length === 2) {
    for (const k of keys) if (inputKey === undefined && k !== labelKey && (await rank(k)) > 1) inputKey = k;
    labelKey ??= keys.find((k) => k !== inputKey);
  }
  if (inputKey === undefined) {
    throw new DatasetError(
      path,
      `${path} holds arrays [${keys.join(', ')}]; name the inputs one of ${INPUT_KEYS.join('/')}.`,
    );
  }
  const load = async (key: string) => ({
    path: `${path}:${key}`,
    array: parseNpy(`${path}:${key}.npy`, await zip.read(`${key}.npy`)),
  });
  return npyDataset(await load(inputKey), labelKey === undefined ? undefined : await load(labelKey));
}

import {
  DatasetError,
  DEFAULT_DATA_LIMITS,
  IMAGE_EXTENSIONS,
  imageFolderDataset,
  npyDataset,
  openDataset,
  parseNpy,
  zipFileSource,
  type DataLimits,
  type Dataset,
  type FileSource,
  type Mask,
  type NpyArray,
  type OpenDatasetOptions,
} from '../../eval';
import { openDetectionDataset } from '../detection/annotations';
import { decodeMaskPng } from '../segmentation/mask-file';
import type { TaskKind } from '../types';

/** Folders whose PNGs are masks, not images (VOC `SegmentationClass`, `masks/`, `labels/`, `gt/`). */
const MASK_FOLDER = /(^|\/)(masks?|labels?|annotations?|segmentation\w*|gt\w*|targets?)\//i;
const MASK_KEYS = ['masks', 'mask', 'segmentation', 'y', 'labels', 'targets'];
const INPUT_KEYS = ['x', 'images', 'image', 'inputs', 'input', 'data'];

const ext = (p: string) => (p.includes('.') ? p.slice(p.lastIndexOf('.') + 1).toLowerCase() : '');
const stem = (p: string) => {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
};

/**
 * Opens a dataset with what a task scores against, reusing the eval readers for the images:
 * - segmentation: images with PNG masks matched by file name (masks in a `masks/`, `labels/`,
 *   `SegmentationClass/`… folder; palette or gray PNGs), a `.npz` with images and masks `[N, H, W]`,
 *   or an images `.npy` with a `*mask*.npy` beside it;
 * - detection: images with COCO JSON, YOLO `.txt` or Pascal VOC `.xml` annotations;
 * - the same inside one `.zip`. Anything else opens as a classification or unlabelled set.
 * A folder holding both masks and boxes opens for `options.task` (segmentation when not said).
 */
export async function openTaskDataset(
  source: FileSource,
  options: OpenDatasetOptions & { task?: TaskKind } = {},
): Promise<Dataset> {
  const files = (await source.list()).map((f) => f.path).sort();
  const limits = options.limits ?? DEFAULT_DATA_LIMITS;
  if (files.length === 1 && ext(files[0]) === 'zip')
    return openTaskDataset(zipFileSource(files[0], await source.read(files[0]), limits), options);

  const npz = files.filter((f) => ext(f) === 'npz');
  if (npz.length === 1) {
    const seg = await npzWithMasks(npz[0], await source.read(npz[0]), limits);
    if (seg) return seg;
  }
  const npy = files.filter((f) => ext(f) === 'npy');
  const maskNpy = npy.filter((f) => /mask/i.test(stem(f)));
  if (maskNpy.length === 1 && npy.length === 2) {
    const imagesPath = npy.find((f) => f !== maskNpy[0]) as string;
    const images = parseNpy(imagesPath, await source.read(imagesPath));
    const masks = parseNpy(maskNpy[0], await source.read(maskNpy[0]));
    return withArrayMasks(npyDataset({ path: imagesPath, array: images }), maskNpy[0], masks);
  }

  const images = files.filter((f) => IMAGE_EXTENSIONS.has(ext(f)));
  const maskPngs = images.filter((f) => MASK_FOLDER.test(f) && ext(f) === 'png');
  if (maskPngs.length > 0 && options.decoder && options.task !== 'detection') {
    const pictures = images.filter((f) => !maskPngs.includes(f));
    const dataset = await imageFolderDataset(only(source, pictures), options.decoder, undefined, limits);
    return withPngMasks(dataset, source, pictures, maskPngs);
  }
  if (options.decoder && options.task !== 'segmentation') {
    const pictures = images.filter((f) => !maskPngs.includes(f));
    const detection = await openDetectionDataset(source, files, pictures, options.decoder);
    if (detection) return detection;
  }
  return openDataset(source, options);
}

/** A view of `source` listing only `paths`. */
function only(source: FileSource, paths: readonly string[]): FileSource {
  return { name: source.name, list: async () => paths.map((path) => ({ path })), read: source.read };
}

function withPngMasks(
  dataset: Dataset,
  source: FileSource,
  pictures: readonly string[],
  maskPngs: readonly string[],
): Dataset {
  const byStem = new Map(maskPngs.map((m) => [stem(m), m]));
  const missing = pictures.filter((p) => !byStem.has(stem(p)));
  if (missing.length > 0)
    throw new DatasetError(
      missing[0],
      `${missing[0]} has no mask in ${source.name} (${missing.length} image(s) without a mask of the same file name).`,
    );
  const ordered = pictures.map((p) => byStem.get(stem(p)) as string);
  return {
    ...dataset,
    description: `${dataset.description.replace(/, unlabelled$/, '')}, with ${ordered.length} PNG masks`,
    targets: {
      kind: 'masks',
      read: (start, count) =>
        Promise.all(
          ordered.slice(start, start + count).map(async (m) => decodeMaskPng(m, await source.read(m))),
        ),
    },
  };
}

async function npzWithMasks(
  path: string,
  bytes: Uint8Array,
  limits: DataLimits,
): Promise<Dataset | undefined> {
  const zip = zipFileSource(path, bytes, limits);
  const names = (await zip.list()).map((e) => e.path).filter((p) => p.endsWith('.npy'));
  const key = (keys: string[]) => keys.map((k) => `${k}.npy`).find((k) => names.includes(k));
  const maskKey = key(MASK_KEYS);
  const inputKey = key(INPUT_KEYS);
  if (!maskKey || !inputKey) return undefined;
  const masks = parseNpy(`${path}:${maskKey}`, await zip.read(maskKey));
  if (masks.shape.length !== 3) return undefined;
  const images = parseNpy(`${path}:${inputKey}`, await zip.read(inputKey));
  return withArrayMasks(
    npyDataset({ path: `${path}:${inputKey}`, array: images }),
    `${path}:${maskKey}`,
    masks,
  );
}

function withArrayMasks(dataset: Dataset, path: string, masks: NpyArray): Dataset {
  const [n, h, w] = masks.shape;
  if (masks.shape.length !== 3 || n !== dataset.size)
    throw new DatasetError(
      path,
      `${path} has shape [${masks.shape.join(', ')}]; masks [${dataset.size}, H, W] were expected, one per sample.`,
    );
  if (masks.dtype.startsWith('f'))
    throw new DatasetError(path, `${path} holds ${masks.dtype} masks; integer class indices were expected.`);
  const plane = h * w;
  const mask = (i: number): Mask => {
    const part = masks.data.subarray(i * plane, (i + 1) * plane);
    const data =
      part instanceof Uint8Array || part instanceof Uint16Array || part instanceof Int32Array
        ? part
        : Int32Array.from(part as ArrayLike<number | bigint>, Number);
    return { width: w, height: h, data };
  };
  return {
    ...dataset,
    description: `${dataset.description.replace(/, unlabelled$/, '')}, with masks ${h}×${w}`,
    targets: {
      kind: 'masks',
      read: async (start, count) =>
        Array.from({ length: Math.max(0, Math.min(count, n - start)) }, (_, k) => mask(start + k)),
    },
  };
}

import { DatasetError } from '../errors';
import type { Dataset } from './dataset';
import { baseName, extension, type FileSource } from './file-source';
import { idxDataset } from './idx-dataset';
import type { ImageDecoder } from './image';
import { imageFolderDataset } from './image-folder';
import { readLabelsFile } from './labels-file';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';
import { parseNpy } from './npy';
import { npyDataset, npzDataset } from './npy-dataset';
import { looksLikeZip, zipFileSource } from './zip';

export interface OpenDatasetOptions {
  /** Needed for PNG/JPEG sets. */
  readonly decoder?: ImageDecoder;
  /** A labels file given apart from the data (IDX labels, `.npy`, or text). */
  readonly labels?: { path: string; bytes: Uint8Array };
  /** Bounds on what one file may decode to (defaults: `DEFAULT_DATA_LIMITS`). */
  readonly limits?: DataLimits;
}

const IDX_IMAGES = /idx3-ubyte(\.gz)?$/i;
const IDX_LABELS = /idx1-ubyte(\.gz)?$/i;

/**
 * Opens whatever a source holds, by what its files look like: an IDX images file (plus an IDX labels
 * file beside it), a `.npz`, a `.npy` of inputs (plus one of labels), a single `.zip` of any of these,
 * or PNG/JPEG images (class sub-folders or a labels file).
 */
export async function openDataset(source: FileSource, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const files = (await source.list()).map((f) => f.path).sort();
  const read = async (path: string) => ({ path, bytes: await source.read(path) });
  const limits = options.limits ?? DEFAULT_DATA_LIMITS;

  const idxImages = files.filter((f) => IDX_IMAGES.test(f));
  if (idxImages.length > 0) {
    if (idxImages.length > 1)
      throw new DatasetError(
        source.name,
        `${source.name} holds several IDX image files (${idxImages.join(', ')}); point at one.`,
      );
    const idxLabels = files.filter((f) => IDX_LABELS.test(f));
    if (idxLabels.length > 1 && !options.labels) {
      throw new DatasetError(
        source.name,
        `${source.name} holds several IDX label files (${idxLabels.join(', ')}); pass one as labels.`,
      );
    }
    const labels = options.labels ?? (idxLabels.length === 1 ? await read(idxLabels[0]) : undefined);
    return idxDataset(await read(idxImages[0]), labels, limits);
  }

  const npz = files.filter((f) => extension(f) === 'npz');
  if (npz.length === 1) return npzDataset(npz[0], (await read(npz[0])).bytes, limits);

  const npy = files.filter((f) => extension(f) === 'npy');
  if (npy.length > 0) return openNpyFiles(source, npy, options);

  if (files.length === 1 && extension(files[0]) === 'zip') {
    const zip = await read(files[0]);
    if (!looksLikeZip(zip.bytes))
      throw new DatasetError(zip.path, `${zip.path} is not a zip archive (bad magic).`);
    return openDataset(zipFileSource(zip.path, zip.bytes, limits), options);
  }

  if (!options.decoder)
    throw new DatasetError(source.name, `${source.name}: no image decoder was given for PNG/JPEG files.`);
  if (files.length === 0) throw new DatasetError(source.name, `${source.name} is empty.`);
  return imageFolderDataset(source, options.decoder, options.labels, limits);
}

async function openNpyFiles(
  source: FileSource,
  npy: readonly string[],
  options: OpenDatasetOptions,
): Promise<Dataset> {
  const isLabels = (f: string) => /(^|[_-])(y|labels?|targets?)$/i.test(baseName(f).slice(0, -4));
  const inputs = npy.filter((f) => !isLabels(f));
  if (inputs.length !== 1) {
    throw new DatasetError(
      source.name,
      `${source.name} holds ${inputs.length} input .npy files (${inputs.join(', ')}); expected one.`,
    );
  }
  const inputPath = inputs[0];
  const array = parseNpy(inputPath, await source.read(inputPath));
  if (options.labels) {
    const { path, bytes } = options.labels;
    if (extension(path) === 'npy')
      return npyDataset({ path: inputPath, array }, { path, array: parseNpy(path, bytes) });
    const dataset = npyDataset({ path: inputPath, array });
    const list = readLabelsFile(
      path,
      bytes,
      Array.from({ length: dataset.size }, (_, i) => `${inputPath}#${i}`),
      options.limits,
    );
    return {
      ...dataset,
      labels: list.labels,
      classNames: list.classNames,
      description: dataset.description.replace(/unlabelled$/, 'labelled'),
    };
  }
  const labelPath = npy.find(isLabels);
  const labels = labelPath
    ? { path: labelPath, array: parseNpy(labelPath, await source.read(labelPath)) }
    : undefined;
  return npyDataset({ path: inputPath, array }, labels);
}

import { DatasetError } from '../errors';
import type { Dataset, Sample } from './dataset';
import { extension, type FileSource } from './file-source';
import { IMAGE_EXTENSIONS, type ImageDecoder } from './image';
import { encodedImageSize } from './image-size';
import { readLabelsFile } from './labels-file';
import { DEFAULT_DATA_LIMITS, pixelLimitError, type DataLimits } from './limits';

/**
 * PNG/JPEG files from a source (a folder, a zip, browser files). Only paths are held; `read` fetches and
 * decodes the images of one batch. Labels come from a labels file when given, else from class
 * sub-folders (first folder level below any common wrapper, numbered in sorted name order as
 * torchvision's `ImageFolder` does, or by value when all are integers); a single folder is a container, not a class, and gives no labels.
 */
export async function imageFolderDataset(
  source: FileSource,
  decoder: ImageDecoder,
  labelsFile?: { path: string; bytes: Uint8Array },
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): Promise<Dataset> {
  const paths = (await source.list())
    .map((e) => e.path)
    .filter((p) => IMAGE_EXTENSIONS.has(extension(p)))
    .sort();
  if (paths.length === 0)
    throw new DatasetError(source.name, `${source.name} holds no images (.png, .jpg, .jpeg).`);
  const fromFolders = labelsFile ? undefined : classFolders(paths);
  const list = labelsFile ? readLabelsFile(labelsFile.path, labelsFile.bytes, paths, limits) : fromFolders;
  const classes = list?.classNames ? `, ${list.classNames.length} classes` : '';
  return {
    name: source.name,
    description: `images in ${source.name}: ${paths.length} files, ${list ? 'labelled' : 'unlabelled'}${classes}`,
    size: paths.length,
    sampleKind: 'image',
    labels: list?.labels,
    classNames: list?.classNames,
    read: (start, count) =>
      Promise.all(paths.slice(start, start + count).map((p) => decodeOne(source, decoder, p, limits))),
  };
}

async function decodeOne(
  source: FileSource,
  decoder: ImageDecoder,
  path: string,
  limits: DataLimits,
): Promise<Sample> {
  const bytes = await source.read(path);
  const size = encodedImageSize(bytes);
  if (size && size.width * size.height > limits.maxImagePixels) throw pixelLimitError(path, size, limits);
  try {
    return { kind: 'image', path, image: await decoder.decode(bytes, path) };
  } catch (e) {
    throw new DatasetError(
      path,
      `${path} in ${source.name} cannot be decoded as an image (${(e as Error).message}).`,
    );
  }
}

function classFolders(paths: readonly string[]): { labels: Int32Array; classNames: string[] } | undefined {
  let parts = paths.map((p) => p.split('/'));
  // Strip wrapper folders every path shares, as long as each path keeps a folder below them.
  while (parts.every((p) => p.length > 2 && p[0] === parts[0][0])) parts = parts.map((p) => p.slice(1));
  if (parts.some((p) => p.length < 2)) return undefined;
  const classNames = [...new Set(parts.map((p) => p[0]))].sort();
  if (classNames.length < 2) return undefined;
  // Folders named 0, 1, 2, … are the class indices themselves (so "10" does not sort before "2").
  const numeric = classNames.every((c) => /^\d+$/.test(c));
  const index = new Map(classNames.map((c, i) => [c, numeric ? Number(c) : i]));
  return { labels: Int32Array.from(parts, (p) => index.get(p[0]) as number), classNames };
}

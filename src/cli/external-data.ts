import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { OnnxFormatError, type ExternalDataFile } from '../core/onnx';

/**
 * The decoder option that reads a model's external data files from `dataDir` (default: the model's
 * folder). Only regular files whose real path (links resolved) lies inside that folder are read, and
 * only the ranges tensors name, after the codec has checked them against the file's size: a link to
 * `/etc/passwd`, `/dev/zero` or a FIFO is refused by name instead of read, grown or waited on.
 * A missing file returns `undefined`, so the codec reports it by name.
 */
export function externalDataFrom(modelPath: string, dataDir?: string) {
  const root = resolve(dataDir ?? dirname(modelPath));
  const files = new Map<string, (ExternalDataFile & { path: string }) | undefined>();
  const externalData = (location: string): ExternalDataFile | undefined => {
    if (!files.has(location)) files.set(location, openExternal(root, location));
    return files.get(location);
  };
  /** The real paths of the files read so far (inputs an output must not overwrite). */
  const paths = () => [...files.values()].flatMap((f) => (f ? [f.path] : []));
  return { externalData, paths };
}

function refuse(message: string): OnnxFormatError {
  return new OnnxFormatError('refused-external-data', message);
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

function openExternal(root: string, location: string): (ExternalDataFile & { path: string }) | undefined {
  const path = resolve(root, location);
  // The ONNX spec makes `location` relative to the model; never follow it out of the data folder.
  if (isAbsolute(location) || !inside(root, path))
    throw refuse(`External data location '${location}' points outside ${root}.`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!inside(realpathSync(root), real))
    throw refuse(`External data '${location}' is a link to ${real}, outside the model's folder ${root}.`);
  const stats = statSync(real);
  if (!stats.isFile())
    throw refuse(`External data '${location}' in ${root} is ${kind(stats)}, not a regular file.`);
  return {
    path: real,
    size: stats.size,
    read: (offset, length) => readRange(real, location, offset, length),
  };
}

/** Reads `length` bytes at `offset`; non-blocking open so a file swapped for a FIFO cannot hang us. */
function readRange(path: string, location: string, offset: number, length: number): Uint8Array {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw refuse(`External data '${location}' is no longer a regular file.`);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new OnnxFormatError('truncated', `External data file '${location}' ended early.`);
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'something other than a file';
}

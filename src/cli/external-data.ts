import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UserError } from './errors';

/**
 * The decoder option that reads a model's external data files from `dataDir` (default: the model's
 * folder), each file once. A missing file returns `undefined`, so the codec reports it by name.
 */
export function externalDataFrom(modelPath: string, dataDir?: string) {
  const root = resolve(dataDir ?? dirname(modelPath));
  const files = new Map<string, Uint8Array | undefined>();
  const externalData = (location: string): Uint8Array | undefined => {
    if (!files.has(location)) files.set(location, read(root, location));
    return files.get(location);
  };
  return { externalData };
}

function read(root: string, location: string): Uint8Array | undefined {
  const path = resolve(root, location);
  const inside = relative(root, path);
  // The ONNX spec makes `location` relative to the model; never follow it out of the data folder.
  if (isAbsolute(location) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new UserError(`External data location '${location}' points outside ${root}.`);
  }
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

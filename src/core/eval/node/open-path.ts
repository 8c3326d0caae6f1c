import { readFile, stat } from 'node:fs/promises';
import { openDataset } from '../data/open-dataset';
import type { Dataset } from '../data/dataset';
import { parsePreprocess, validatePreprocess, type PreprocessSpec } from '../data/preprocess';
import { PreprocessError } from '../errors';
import { nodeDirectorySource, nodeFileSource } from './node-file-source';
import { nodeImageDecoder } from './node-image-decoder';

/**
 * Opens a dataset from a path: a folder (images in class folders, an IDX pair, .npy files), or one file
 * (.zip, .npz, .npy, an IDX images file). `labelsPath` names a separate labels file.
 */
export async function openDatasetPath(path: string, labelsPath?: string): Promise<Dataset> {
  const source = (await stat(path)).isDirectory() ? nodeDirectorySource(path) : nodeFileSource(path);
  const labels = labelsPath
    ? { path: labelsPath, bytes: new Uint8Array(await readFile(labelsPath)) }
    : undefined;
  return openDataset(source, { decoder: nodeImageDecoder, labels });
}

/** `--preprocess` in the CLI: a preset name, a JSON string, or the path of a JSON file. */
export async function readPreprocessArg(arg: string): Promise<PreprocessSpec> {
  const text = arg.trim();
  if (text.startsWith('{') || !(await isFile(text))) return parsePreprocess(text);
  const content = await readFile(text, 'utf8');
  try {
    return validatePreprocess(JSON.parse(content));
  } catch (e) {
    if (e instanceof PreprocessError) throw new PreprocessError(`${text}: ${e.message}`);
    throw new PreprocessError(`${text} is not valid JSON (${(e as Error).message}).`);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

import { readFile, stat } from 'node:fs/promises';
import { openDataset } from '../data/open-dataset';
import type { Dataset } from '../data/dataset';
import { DataLimitError, DEFAULT_DATA_LIMITS, type DataLimits } from '../data/limits';
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
  return openDataset(source, { decoder: nodeImageDecoder, labels, limits: dataLimitsFromEnv() });
}

/**
 * The data limits, raised through the environment so every command honours them the same way:
 * `WHITTLE_MAX_INFLATED_MB` (MiB one compressed file may inflate to) and `WHITTLE_MAX_IMAGE_MP`
 * (megapixels one image may decode to).
 */
export function dataLimitsFromEnv(env: Record<string, string | undefined> = process.env): DataLimits {
  const inflatedMb = envNumber(env, 'WHITTLE_MAX_INFLATED_MB');
  const imageMp = envNumber(env, 'WHITTLE_MAX_IMAGE_MP');
  const mb = DEFAULT_DATA_LIMITS.maxInflatedBytes / 2 ** 20;
  const mp = DEFAULT_DATA_LIMITS.maxImagePixels / 1e6;
  return {
    maxInflatedBytes: (inflatedMb ?? mb) * 2 ** 20,
    maxImagePixels: (imageMp ?? mp) * 1e6,
    howToRaise: {
      inflated: `set WHITTLE_MAX_INFLATED_MB (now ${inflatedMb ?? mb})`,
      pixels: `set WHITTLE_MAX_IMAGE_MP (now ${imageMp ?? mp})`,
    },
  };
}

function envNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!(value > 0)) throw new DataLimitError(name, `${name} must be a positive number, not "${text}".`);
  return value;
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

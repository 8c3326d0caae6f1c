import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeModel, encodeModel, layoutExternalData, usesExternalData, type Model } from '../core/onnx';
import { UserError } from './errors';
import { externalDataFrom } from './external-data';
import { writeFileAtomic } from './output';

/** A model read for a command. */
export interface ModelFile {
  readonly path: string;
  readonly model: Model;
  /** Self-contained bytes (external data inlined), what onnxruntime and the pipeline are given. */
  readonly bytes: Uint8Array;
  /** Size of the model file itself plus its external data. */
  readonly fileBytes: number;
  /** The external data files it read (real paths), empty when it has none. */
  readonly dataFiles: readonly string[];
  readonly hadExternalData: boolean;
}

/** Reads a model and its external data files (see `externalDataFrom` for which files may be read). */
export async function readModelFile(path: string, dataDir?: string): Promise<ModelFile> {
  const raw = new Uint8Array(await readFile(path));
  const external = externalDataFrom(path, dataDir);
  const model = decodeModel(raw, external);
  if (!usesExternalData(model))
    return { path, model, bytes: raw, fileBytes: raw.length, dataFiles: [], hadExternalData: false };
  // Decoded again from the inlined bytes, so no tensor still points at the input's data files.
  const bytes = encodeModel(model, { externalData: 'inline' });
  return {
    path,
    model: decodeModel(bytes),
    bytes,
    fileBytes: bytes.length,
    dataFiles: external.paths(),
    hadExternalData: true,
  };
}

/** How a written model keeps its weights: in the `.onnx` itself, or in `OUT.onnx.data` beside it. */
export type WeightsPlacement = 'inline' | 'external';

/** The `--weights` option every writing command takes. */
export const WEIGHTS_OPTION = {
  usage: `  --weights W           inline (one .onnx) or external (weights in OUT.onnx.data beside it);
                        default: as the input model`,
  parse(command: string, text: string | undefined, input: ModelFile): WeightsPlacement {
    if (text === undefined) return input.hadExternalData ? 'external' : 'inline';
    if (text === 'inline' || text === 'external') return text;
    throw new UserError(`${command}: --weights must be inline or external, not "${text}".`);
  },
};

/** The files a model write creates, for `checkOutputs`. */
export function modelOutputs(path: string, placement: WeightsPlacement): Record<string, string> {
  return placement === 'external'
    ? { '--out': path, '--out (its weights)': `${path}.data` }
    : { '--out': path };
}

/** protobuf cannot encode a message of 2 GiB or more, so an inline model must stay below it. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

/**
 * Writes a model atomically. `external` puts every initializer of 1 KiB or more into `OUT.data`
 * beside it (the model refers to it by its base name, so the pair can be moved together); `inline`
 * writes one self-contained file. Returns the paths written and their total size.
 */
export async function writeModelFile(
  command: string,
  path: string,
  model: Model | Uint8Array,
  placement: WeightsPlacement,
): Promise<{ paths: string[]; bytes: number }> {
  if (placement === 'inline') {
    const bytes = model instanceof Uint8Array ? model : encodeModel(model, { externalData: 'inline' });
    if (bytes.length > PROTOBUF_LIMIT)
      throw new UserError(`${command}: ${path} would be over 2 GiB, too large to keep its weights inline.`);
    await writeFileAtomic(path, bytes);
    return { paths: [path], bytes: bytes.length };
  }
  const decoded = model instanceof Uint8Array ? decodeModel(model) : model;
  const dataPath = `${path}.data`;
  const layout = layoutExternalData(decoded, basename(dataPath));
  const bytes = encodeModel(layout.model);
  // The data first: a model never points at a data file that is not there yet.
  await writeFileAtomic(dataPath, layout.parts);
  await writeFileAtomic(path, bytes);
  return { paths: [path, dataPath], bytes: bytes.length + layout.parts.reduce((a, p) => a + p.length, 0) };
}

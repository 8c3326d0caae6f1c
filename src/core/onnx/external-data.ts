import { OnnxFormatError } from './errors';
import { DataLocation, type Graph, type Model, type Tensor } from './types';
import type { ProtoReader } from './wire-reader';

/** Reads an `external_data` key (`location`, `offset`, `length`, `checksum`). */
export function externalDataKey(t: Tensor, key: string): string | undefined {
  for (const e of t.externalData) if (e.key === key) return e.value;
  return undefined;
}

function byteCount(r: ProtoReader, t: Tensor, key: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw r.fail(
      `File is corrupt: tensor '${t.name}' has external data ${key} '${text}', which is not a byte count.`,
    );
  }
  return n;
}

/**
 * Returns the bytes of a tensor with `data_location = EXTERNAL`: `length` bytes from `offset` in the
 * file named by `location` (ONNX IR "External Tensor Data"): a view over the caller's buffer, or the
 * range read from a ranged file once its size is known to hold it.
 */
export function resolveExternalData(r: ProtoReader, t: Tensor): Uint8Array {
  const location = externalDataKey(t, 'location');
  if (location === undefined) {
    throw r.fail(`File is corrupt: tensor '${t.name}' is marked external but names no location.`);
  }
  const file = r.externalData?.(location);
  if (!file) {
    throw new OnnxFormatError(
      'missing-external-data',
      `External data file '${location}' for tensor '${t.name}' was not supplied.`,
    );
  }
  const offsetText = externalDataKey(t, 'offset');
  const lengthText = externalDataKey(t, 'length');
  const offset = offsetText === undefined ? 0 : byteCount(r, t, 'offset', offsetText);
  const size = file instanceof Uint8Array ? file.length : file.size;
  const length = lengthText === undefined ? size - offset : byteCount(r, t, 'length', lengthText);
  if (offset + length > size || length < 0) {
    throw new OnnxFormatError(
      'truncated',
      `External data file '${location}' is truncated: tensor '${t.name}' needs bytes ${offset} to ${offset + length} but the file has ${size}.`,
    );
  }
  return file instanceof Uint8Array ? file.subarray(offset, offset + length) : file.read(offset, length);
}

/** The bytes of an external data file, as parts to write in order, and the model that points at it. */
export interface ExternalDataLayout {
  readonly model: Model;
  readonly parts: readonly Uint8Array[];
}

/** Offsets are rounded up to this, so each tensor can be memory-mapped and read aligned. */
const EXTERNAL_ALIGNMENT = 64;

/**
 * Moves every initializer of at least `threshold` bytes (in the main graph and its subgraphs) into one
 * external data file named `location`, as onnx's `convert_model_to_external_data` does: the returned
 * model refers to it by location/offset/length, and `parts` are the file's bytes. Tensors already
 * external elsewhere are moved too (or inlined when small), so the result depends on no file but
 * `location`.
 */
export function layoutExternalData(model: Model, location: string, threshold = 1024): ExternalDataLayout {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const move = (t: Tensor): Tensor => {
    const data = t.rawData;
    if (data === undefined) return t;
    if (data.byteLength < threshold)
      return t.dataLocation === DataLocation.EXTERNAL
        ? { ...t, dataLocation: DataLocation.DEFAULT, externalData: [] }
        : t;
    const pad = (EXTERNAL_ALIGNMENT - (offset % EXTERNAL_ALIGNMENT)) % EXTERNAL_ALIGNMENT;
    if (pad) parts.push(new Uint8Array(pad));
    offset += pad;
    parts.push(data);
    const entry = (key: string, value: string) => ({ key, value });
    const moved: Tensor = {
      ...t,
      dataLocation: DataLocation.EXTERNAL,
      externalData: [
        entry('location', location),
        entry('offset', String(offset)),
        entry('length', String(data.byteLength)),
      ],
    };
    offset += data.byteLength;
    return moved;
  };
  const graph = (g: Graph): Graph => ({
    ...g,
    initializer: g.initializer.map(move),
    node: g.node.map((n) => ({
      ...n,
      attribute: n.attribute.map((a) => ({
        ...a,
        g: a.g && graph(a.g),
        graphs: a.graphs.map(graph),
      })),
    })),
  });
  return { model: { ...model, graph: model.graph && graph(model.graph) }, parts };
}

/** True when some initializer of the model keeps its data in an external file. */
export function usesExternalData(model: Model): boolean {
  const inGraph = (g: Graph): boolean =>
    g.initializer.some((t) => t.dataLocation === DataLocation.EXTERNAL) ||
    g.node.some((n) => n.attribute.some((a) => (a.g && inGraph(a.g)) || a.graphs.some(inGraph)));
  return model.graph !== undefined && inGraph(model.graph);
}

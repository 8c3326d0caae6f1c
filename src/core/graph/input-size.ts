/**
 * Input sizes of models with dynamic dims (PaddleOCR det declares `[N, 3, ?, ?]`): which inputs wait
 * for a size, binding a concrete shape to their symbols so costs can be counted, the size a model
 * prefers when it says so, and shapes written compactly with their channel counts visible.
 */
import { InputSizeError } from './errors';
import type { Graph } from './graph';
import type { ShapeInference } from './infer/infer-shapes';
import type { Dim } from './types';

/** A graph input whose size (beyond the batch dim) is symbolic: costs wait until it is bound. */
export interface SymbolicInput {
  name: string;
  /** The declared shape, symbols included. */
  shape: Dim[];
  /** Axes after the batch axis that hold a symbol. */
  axes: number[];
}

/** Concrete input shapes by input name, batch included (`{ x: [1, 3, 640, 640] }`). */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

/** Inputs whose sizes beyond the batch are symbolic, in graph order. */
export function symbolicInputs(graph: Graph, shapes: ShapeInference): SymbolicInput[] {
  const out: SymbolicInput[] = [];
  for (const vi of graph.inputs) {
    if (graph.initializers.has(vi.name)) continue;
    const shape = shapes.types.get(vi.name)?.shape;
    if (!shape) continue;
    const axes = shape.flatMap((d, i) => (i > 0 && typeof d === 'string' ? [i] : []));
    if (axes.length) out.push({ name: vi.name, shape: [...shape], axes });
  }
  return out;
}

/**
 * Symbol values implied by feeding `inputShapes`: each input's symbolic dims take the fed sizes at
 * their axes, and a symbolic batch is 1 (costs are counted per sample).
 */
export function inputBindings(
  graph: Graph,
  shapes: ShapeInference,
  inputShapes: InputShapes = {},
): Record<string, number> {
  const bindings: Record<string, number> = {};
  for (const vi of graph.inputs) {
    const shape = shapes.types.get(vi.name)?.shape;
    const fed = inputShapes[vi.name];
    shape?.forEach((d, i) => {
      if (typeof d !== 'string') return;
      if (i === 0) bindings[d] ??= 1;
      else if (fed?.[i] !== undefined && fed.length === shape.length) bindings[d] = fed[i];
    });
  }
  return bindings;
}

/**
 * The full shape of input `shape` for a picture of `height`×`width` at batch 1: the two spatial axes
 * of a rank-4 input (NCHW, or NHWC when its last axis has 1 or 3 entries and its second does not).
 * Undefined when that leaves a symbol (a symbolic channel count, another rank).
 */
export function shapeForImageSize(
  shape: readonly Dim[],
  height: number,
  width: number,
): number[] | undefined {
  if (shape.length !== 4) return undefined;
  const [hi, wi] = imageAxes(shape);
  const out = shape.map((d, i) => (i === 0 ? 1 : i === hi ? height : i === wi ? width : d));
  return out.every((d): d is number => typeof d === 'number') ? out : undefined;
}

/** Height and width axes of a rank-4 image input, NCHW unless the last axis looks like channels. */
export function imageAxes(shape: readonly Dim[]): [number, number] {
  const channelsLast = [1, 3].includes(shape[3] as number) && ![1, 3].includes(shape[1] as number);
  return channelsLast ? [1, 2] : [2, 3];
}

/** Metadata keys exporters use for the size a model was trained at (Ultralytics writes `imgsz`). */
const SIZE_KEYS = /^(imgsz|img_?size|image_?size|input_?size)$/i;

/**
 * The height and width `graph` says it wants, when it says: its spatial dims when they are fixed, or
 * a size in its metadata (`imgsz: [640, 640]`, `image_size: 224`). Undefined otherwise.
 */
export function preferredImageSize(graph: Graph, shape: readonly Dim[]): [number, number] | undefined {
  if (shape.length !== 4) return undefined;
  const [hi, wi] = imageAxes(shape);
  const h = shape[hi];
  const w = shape[wi];
  if (typeof h === 'number' && typeof w === 'number') return [h, w];
  for (const { key, value } of graph.model?.metadataProps ?? []) {
    if (!SIZE_KEYS.test(key)) continue;
    const numbers = (value.match(/\d+/g) ?? []).map(Number).filter((n) => n > 0);
    if (numbers.length === 1) return [numbers[0], numbers[0]];
    if (numbers.length === 2) return [numbers[0], numbers[1]];
  }
  return undefined;
}

/** A model's symbol short enough to read as itself (`N`, `batch`, `H`); others become `N` or `?`. */
const SHORT_SYMBOL = /^(?!unk_)[A-Za-z_][A-Za-z0-9_]{0,5}$/;

/**
 * `['p2o.DynamicDimension.0', 384, 'unk_3', 'unk_4']` → `[N, 384, ?, ?]`: long symbol names shortened
 * (the batch axis to `N`, others to `?`) so sizes, channel counts above all, stay visible.
 */
export function compactShape(shape: readonly Dim[]): string {
  const dims = shape.map((d, i) =>
    typeof d === 'number' || SHORT_SYMBOL.test(d) ? String(d) : i === 0 ? 'N' : '?',
  );
  return `[${dims.join(', ')}]`;
}

/** `"640"`, `"640x480"`, `"640×480"`, `"640, 480"` → `[h, w]`; undefined when it is none of those. */
export function parseImageSize(text: string): [number, number] | undefined {
  const parts = text.trim().split(/\s*[x×*,\s]\s*/i);
  if (!parts.length || parts.length > 2 || !parts.every((p) => /^\d{1,5}$/.test(p))) return undefined;
  const [h, w = h] = parts.map(Number);
  return h > 0 && w > 0 ? [h, w] : undefined;
}

/**
 * Input shapes for pictures of `size` (height, width) fed to every symbolic input of `graph`.
 * @throws InputSizeError when an input's symbols are not two spatial axes of a rank-4 input.
 */
export function imageInputShapes(
  graph: Graph,
  shapes: ShapeInference,
  [height, width]: readonly [number, number],
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const input of symbolicInputs(graph, shapes)) {
    const shape = shapeForImageSize(input.shape, height, width);
    if (!shape)
      throw new InputSizeError(
        `Input '${input.name}' is ${compactShape(input.shape)}: a height×width size does not fix all of its dims.`,
      );
    out[input.name] = shape;
  }
  return out;
}

/**
 * Weight edits for the coupling oracle: a model variant in which chosen parameters, as read by one
 * node, get a private copy that is then changed slice by slice along one axis.
 */
import { DataType, makeTensor, tensorData, type Model, type Node, type Tensor } from '../../src/core/onnx';

/** One change to the parameter `param` as node `node` reads it. */
export interface ParamEdit {
  node: string;
  param: string;
  /** Changes `data` (a private float32 copy, shaped `dims`) in place. */
  apply(data: Float32Array, dims: number[]): void;
}

/** Half-open index range `[lo, hi)` along one axis. */
export interface IndexRange {
  lo: number;
  hi: number;
}

/**
 * Calls `visit(flatIndex)` for every element of a `dims`-shaped row-major array whose index along
 * `axis` lies in `range`.
 */
export function forEachInSlice(
  dims: readonly number[],
  axis: number,
  range: IndexRange,
  visit: (i: number) => void,
): void {
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= dims[a];
  let inner = 1;
  for (let a = axis + 1; a < dims.length; a++) inner *= dims[a];
  const extent = dims[axis];
  for (let o = 0; o < outer; o++)
    for (let c = range.lo; c < range.hi; c++) {
      const base = (o * extent + c) * inner;
      for (let k = 0; k < inner; k++) visit(base + k);
    }
}

/** Follows `Identity` nodes back from `value` to the initializer they read, if any. */
function rootInitializer(
  value: string,
  inits: Map<string, Tensor>,
  producers: Map<string, Node>,
): string | undefined {
  for (let hops = 0; hops < 64; hops++) {
    if (inits.has(value)) return value;
    const p = producers.get(value);
    if (!p || p.opType !== 'Identity') return undefined;
    value = p.input[0];
  }
  return undefined;
}

/**
 * `model` with `edits` applied. Each (node, param) pair gets its own copy of the underlying float32
 * initializer (found through `Identity` chains), so an initializer that several nodes share — torch
 * deduplicates bit-identical ones — changes only where the edit says. When `node` does not read
 * `param` directly, the initializer itself is edited for every reader. Throws when a parameter is
 * not a float32 initializer.
 */
export function applyEdits(model: Model, edits: readonly ParamEdit[]): Model {
  const g = model.graph!;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const producers = new Map<string, Node>();
  for (const n of g.node) for (const o of n.output) producers.set(o, n);
  const nodes = g.node.map((n) => ({ ...n, input: [...n.input] }));
  // Slots are found in the original inputs: an earlier edit may already have renamed one.
  const byName = new Map(nodes.map((n, i) => [n.name, { node: n, original: g.node[i].input }]));
  const copies = new Map<string, { tensor: Tensor; data: Float32Array; dims: number[] }>();

  const privateCopy = (key: string, newName: string, root: string) => {
    let copy = copies.get(key);
    if (!copy) {
      const src = inits.get(root)!;
      if (src.dataType !== DataType.FLOAT) throw new Error(`parameter '${root}' is not float32`);
      const dims = src.dims.map(Number);
      const data = Float32Array.from(tensorData(src) as Float32Array);
      copy = { tensor: makeTensor(newName, DataType.FLOAT, dims, data), data, dims };
      copies.set(key, copy);
    }
    return copy;
  };

  for (const e of edits) {
    const entry = byName.get(e.node);
    const slot = entry ? entry.original.indexOf(e.param) : -1;
    const root = rootInitializer(e.param, inits, producers);
    if (!root) throw new Error(`parameter '${e.param}' of '${e.node}' is not an initializer`);
    let copy;
    if (entry && slot >= 0) {
      const name = `${root}::oracle::${e.node}::${slot}`;
      copy = privateCopy(name, name, root);
      entry.node.input[slot] = name;
    } else copy = privateCopy(root, root, root);
    e.apply(copy.data, copy.dims);
  }
  // Originals that every reader now reads a private copy of are dropped (onnxruntime warns about them).
  const read = new Set(nodes.flatMap((n) => n.input));
  for (const o of g.output) read.add(o.name);
  const replaced = new Set([...copies.values()].map((c) => c.tensor.name));
  const initializer = [
    ...g.initializer.filter((t) => !replaced.has(t.name) && read.has(t.name)),
    ...[...copies.values()].map((c) => c.tensor),
  ];
  return { ...model, graph: { ...g, node: nodes, initializer } };
}

/** What a per-op inference rule sees, and the helpers the rules share. */
import { DataType } from '../../onnx/types';
import type { SymbolTable } from '../symbols';
import type { Dim, GraphNode, TensorType } from '../types';

/**
 * A small tensor whose contents are known at analysis time (a shape, axes, pads, scales): numbers,
 * or symbols where it holds dims of a symbolic shape (`Shape` of a `[batch, …]` value).
 */
export interface ConstValue {
  dtype: DataType;
  dims: number[];
  data: Dim[];
}

export interface InferContext {
  readonly node: GraphNode;
  /** Opset of the node's domain. */
  readonly opset: number;
  readonly symbols: SymbolTable;
  /** Type of input `i`; undefined when omitted or unknown. */
  type(i: number): TensorType | undefined;
  shape(i: number): Dim[] | undefined;
  dtype(i: number): DataType | undefined;
  /** Contents of input `i` when known (initializer or propagated constant). */
  value(i: number): ConstValue | undefined;
  /** Whether input `i` is given (not omitted with `''`). */
  has(i: number): boolean;
}

/** Per-op shape rule: one type per output (undefined where unknown). */
export type InferRule = (ctx: InferContext) => (TensorType | undefined)[];

/** Per-op constant rule: the outputs' contents, given known inputs. */
export type ConstRule = (ctx: InferContext) => (ConstValue | undefined)[] | undefined;

/** Normalises a possibly negative axis against `rank`. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Product of dims, symbolic where any is. */
export function product(dims: readonly Dim[], symbols: SymbolTable): Dim {
  let num = 1;
  const syms: Dim[] = [];
  for (const d of dims) {
    if (typeof d === 'number') num *= d;
    else syms.push(d);
  }
  if (num === 0) return 0;
  if (!syms.length) return num;
  if (syms.length === 1 && num === 1) return syms[0];
  return symbols.derive('mul', ...(num === 1 ? syms : [...syms, num]));
}

/**
 * numpy broadcast of shapes: dims aligned right; a 1 takes the other; equal symbols stay; two
 * different symbols give their derived `max` (right whenever the model is valid). Undefined when any
 * shape is unknown or two sizes clash.
 */
export function broadcast(shapes: readonly (Dim[] | undefined)[], symbols: SymbolTable): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const all = shapes as Dim[][];
  const rank = Math.max(0, ...all.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let d: Dim = 1;
    for (const s of all) {
      const e = s[s.length - rank + k];
      if (e === undefined || e === 1 || e === d) continue;
      if (d === 1) d = e;
      else if (typeof d === 'number' && typeof e === 'number') return undefined;
      else if (typeof d === 'number')
        continue; // a known size > 1 wins over a symbol
      else if (typeof e === 'number') d = e;
      else d = symbols.derive('max', d, e);
    }
    out.push(d);
  }
  return out;
}

/** Integer contents of a known input, when every element is a number. */
export function numbersOf(v: ConstValue | undefined): number[] | undefined {
  if (!v || v.data.some((d) => typeof d !== 'number')) return undefined;
  return v.data as number[];
}

/** The single output of `dtype` and `shape`. */
export function one(dtype: DataType | undefined, shape: Dim[] | undefined): (TensorType | undefined)[] {
  if (dtype === undefined && shape === undefined) return [undefined];
  return [{ dtype: dtype ?? DataType.UNDEFINED, shape }];
}

/** `ctx` seen through a remapping of input slots (QLinearConv's x and w are inputs 0 and 3). */
export function withInputs(ctx: InferContext, slots: number[]): InferContext {
  return {
    node: ctx.node,
    opset: ctx.opset,
    symbols: ctx.symbols,
    type: (i) => ctx.type(slots[i] ?? -1),
    shape: (i) => ctx.shape(slots[i] ?? -1),
    dtype: (i) => ctx.dtype(slots[i] ?? -1),
    value: (i) => ctx.value(slots[i] ?? -1),
    has: (i) => ctx.has(slots[i] ?? -1),
  };
}

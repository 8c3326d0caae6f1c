/**
 * Symbolic dimensions. A derived symbol (`unk_N`) records how it was computed from other dims, so that
 * binding the model's input symbols to sizes evaluates every derived one — that is how shapes of a
 * model with dynamic height and width can be checked against a real run, and how costs are counted
 * once the sizes are known.
 */
import type { Dim } from './types';

/** Operations a derived dim can be defined by. Arguments are dims (numbers or symbols). */
export type DimOp =
  | 'add'
  | 'sub'
  | 'mul'
  /** floor(a / b) */
  | 'floordiv'
  /** ceil(a / b) */
  | 'ceildiv'
  /** numpy broadcast of two dims that must be equal or 1: max(a, b) */
  | 'max'
  | 'min'
  /** floor(a · f) for a float factor f (Resize, Upsample) */
  | 'scale'
  /** sliding window: [x, kEff, stride, padHead, padTail, ceilMode] */
  | 'window'
  /** transposed conv: [x, stride, kEff, outputPadding, padTotal] */
  | 'deconv'
  /** slice length: [x, start, end, step] with ONNX clamping */
  | 'slice'
  /** range length: [start, limit, delta] = max(ceil((limit − start) / delta), 0) */
  | 'range';

interface Definition {
  op: DimOp;
  args: Dim[];
}

const COMMUTATIVE = new Set<DimOp>(['add', 'mul', 'max', 'min']);

/** Output length of a sliding window, as onnxruntime computes it (pool_attributes.h). */
export function windowOutput(
  x: number,
  kEff: number,
  stride: number,
  head: number,
  tail: number,
  ceil: number,
): number {
  const span = x + head + tail - kEff;
  if (!ceil) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // The last window must start inside the input or the head padding.
  if ((out - 1) * stride >= x + head) out -= 1;
  return out;
}

/** Elements selected by Slice on a dim of size `x` (ONNX Slice-13 clamping rules). */
export function sliceLength(x: number, start: number, end: number, step: number): number {
  let s = start < 0 ? start + x : start;
  let e = end < 0 ? end + x : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), x);
    e = Math.min(Math.max(e, 0), x);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  s = Math.min(Math.max(s, 0), x - 1);
  e = Math.min(Math.max(e, -1), x - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

/** Evaluates `op` on sizes. */
export function evalDimOp(op: DimOp, a: number[]): number {
  switch (op) {
    case 'add':
      return a.reduce((s, v) => s + v, 0);
    case 'sub':
      return a[0] - a[1];
    case 'mul':
      return a.reduce((s, v) => s * v, 1);
    case 'floordiv':
      return Math.floor(a[0] / a[1]);
    case 'ceildiv':
      return Math.ceil(a[0] / a[1]);
    case 'max':
      return Math.max(...a);
    case 'min':
      return Math.min(...a);
    case 'scale':
      return Math.floor(a[0] * a[1]);
    case 'window':
      return windowOutput(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 'deconv':
      return a[1] * (a[0] - 1) + a[3] + a[2] - a[4];
    case 'slice':
      return sliceLength(a[0], a[1], a[2], a[3]);
    case 'range':
      return Math.max(Math.ceil((a[1] - a[0]) / a[2]), 0);
  }
}

/**
 * The symbols of one shape-inference run. Equal derivations give the same symbol, so two branches
 * that downsample the same input the same way agree on their spatial dims.
 */
export class SymbolTable {
  private readonly byKey = new Map<string, string>();
  private readonly defs = new Map<string, Definition>();
  private readonly reserved: Set<string>;
  private counter = 0;

  /** `reserved`: symbols the model already uses, never handed out as derived names. */
  constructor(reserved: Iterable<string> = []) {
    this.reserved = new Set(reserved);
  }

  /** A new symbol with no definition: a size only a run can tell (NonZero's count, an unknown op). */
  fresh(): string {
    let name: string;
    do name = `unk_${this.counter++}`;
    while (this.reserved.has(name));
    this.reserved.add(name);
    return name;
  }

  /** The dim `op(args)`: a number when every argument is one, else a (memoised) derived symbol. */
  derive(op: DimOp, ...args: Dim[]): Dim {
    if (args.every((d): d is number => typeof d === 'number')) return evalDimOp(op, args);
    const simple = simplify(op, args);
    if (simple !== undefined) return simple;
    const keyArgs = COMMUTATIVE.has(op) ? [...args].sort(compareDims) : args;
    const key = `${op}(${keyArgs.join(',')})`;
    let name = this.byKey.get(key);
    if (name === undefined) {
      name = this.fresh();
      this.byKey.set(key, name);
      this.defs.set(name, { op, args: keyArgs });
    }
    return name;
  }

  /** Whether `sym` is derived (has a definition) rather than a model symbol or a fresh one. */
  isDerived(sym: string): boolean {
    return this.defs.has(sym);
  }

  /**
   * The size of `d` once the model's symbols are bound; undefined when it depends on an unbound
   * symbol or a fresh one.
   */
  evaluate(
    d: Dim,
    bindings: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  ): number | undefined {
    const get =
      bindings instanceof Map
        ? (s: string) => bindings.get(s)
        : (s: string) => (bindings as Record<string, number>)[s];
    const memo = new Map<string, number | undefined>();
    const visit = (x: Dim): number | undefined => {
      if (typeof x === 'number') return x;
      const bound = get(x);
      if (bound !== undefined) return bound;
      if (memo.has(x)) return memo.get(x);
      const def = this.defs.get(x);
      let value: number | undefined;
      if (def) {
        const args: number[] = [];
        for (const a of def.args) {
          const v = visit(a);
          if (v === undefined) break;
          args.push(v);
        }
        value = args.length === def.args.length ? evalDimOp(def.op, args) : undefined;
      }
      memo.set(x, value);
      return value;
    };
    return visit(d);
  }

  /** A readable definition of `d`, e.g. `window(H,3,2,1,1,0)`; the name itself for model symbols. */
  describe(d: Dim): string {
    if (typeof d === 'number') return String(d);
    const def = this.defs.get(d);
    return def ? `${def.op}(${def.args.map((a) => this.describe(a)).join(',')})` : d;
  }
}

function compareDims(a: Dim, b: Dim): number {
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Identities that make a derivation unnecessary (x + 0, x · 1, max(x, x), …). */
function simplify(op: DimOp, args: Dim[]): Dim | undefined {
  const [a, b] = args;
  switch (op) {
    case 'add':
      if (args.length === 2 && a === 0) return b;
      if (args.length === 2 && b === 0) return a;
      return undefined;
    case 'sub':
      if (b === 0) return a;
      if (a === b) return 0;
      return undefined;
    case 'mul':
      if (args.length === 2 && a === 1) return b;
      if (args.length === 2 && b === 1) return a;
      if (args.includes(0)) return 0;
      return undefined;
    case 'floordiv':
    case 'ceildiv':
      if (b === 1) return a;
      if (a === b) return 1;
      return undefined;
    case 'max':
    case 'min':
      if (args.length === 2 && a === b) return a;
      return undefined;
    case 'scale':
      if (b === 1) return a;
      return undefined;
    case 'window': {
      // A stride-1 window padded by kernel − 1 in total keeps the size ("same" convolution).
      const [, k, s, head, tail] = args;
      if (
        s === 1 &&
        typeof k === 'number' &&
        typeof head === 'number' &&
        typeof tail === 'number' &&
        head + tail === k - 1
      )
        return a;
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Shape and dtype inference over the whole graph, in topological order, with constant propagation
 * of small tensors. Starts from the declared input shapes (or ones the caller binds) and uses
 * declared `value_info` where an op's rule knows less. An op without a rule, or a rule that cannot
 * tell, gives unknown outputs and inference goes on; a node that cannot be valid (a Conv whose group
 * does not divide its channels) throws InvalidModelError naming it.
 */
import type { DataType, TypeProto, ValueInfo } from '../../onnx/types';
import type { Graph } from '../graph';
import { SymbolTable } from '../symbols';
import type { Dim, GraphNode, TensorType } from '../types';
import { constOfTensor, evaluateConstants, MAX_CONST_ELEMENTS } from './const-eval';
import type { ConstValue, InferContext, InferRule } from './context';
import { convRules } from './conv';
import { elementwiseRules } from './elementwise';
import { matmulRules } from './matmul';
import { miscRules } from './misc';
import { reduceRules } from './reduce';
import { reshapeRules } from './reshape';
import { slicingRules } from './slicing';

const RULES: Record<string, InferRule> = {
  ...convRules,
  ...matmulRules,
  ...elementwiseRules,
  ...reshapeRules,
  ...slicingRules,
  ...reduceRules,
  ...miscRules,
};

/** Opset assumed for a graph with no model behind it. */
const DEFAULT_OPSET = 21;

/** The result of {@link inferShapes}. */
export interface ShapeInference {
  /** Type of every value whose type is known (inputs, initializers, node outputs). */
  readonly types: ReadonlyMap<string, TensorType>;
  /** Contents of small tensors known before running (shapes, axes, scales, pads). */
  readonly values: ReadonlyMap<string, ConstValue>;
  /** Definitions of the derived symbols in `types`. */
  readonly symbols: SymbolTable;
  /** `graph.version` this was computed at. */
  readonly graphVersion: number;
}

export interface InferOptions {
  /** Shapes to use for graph inputs instead of the declared ones (e.g. bind `batch` to 1). */
  inputShapes?: Readonly<Record<string, Dim[]>>;
}

/** Type of a declared `ValueInfo`: `dim_param` → symbol, neither value nor param → fresh symbol. */
export function declaredType(type: TypeProto | undefined, symbols: SymbolTable): TensorType | undefined {
  const tt = type?.tensorType;
  if (!tt) return undefined;
  const shape = tt.shape?.dim.map((d): Dim =>
    d.dimValue !== undefined ? Number(d.dimValue) : d.dimParam ? d.dimParam : symbols.fresh(),
  );
  return { dtype: tt.elemType, shape };
}

/** Known parts of `inferred`, filled in from `declared`: numbers beat symbols, inferred beats declared. */
function merge(inferred: TensorType | undefined, declared: TensorType | undefined): TensorType | undefined {
  if (!declared) return inferred;
  if (!inferred) return declared;
  const dtype = inferred.dtype || declared.dtype;
  if (!inferred.shape) return { dtype, shape: declared.shape };
  if (!declared.shape || declared.shape.length !== inferred.shape.length)
    return { dtype, shape: inferred.shape };
  return {
    dtype,
    shape: inferred.shape.map((d, i) =>
      typeof d === 'number' ? d : typeof declared.shape![i] === 'number' ? declared.shape![i] : d,
    ),
  };
}

function opsetsOf(graph: Graph): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of graph.model?.opsetImport ?? [])
    out.set(o.domain === 'ai.onnx' ? '' : o.domain, Number(o.version));
  if (!out.has('')) out.set('', DEFAULT_OPSET);
  return out;
}

function symbolsUsed(infos: Iterable<ValueInfo>): string[] {
  const out: string[] = [];
  for (const vi of infos)
    for (const d of vi.type?.tensorType?.shape?.dim ?? []) if (d.dimParam) out.push(d.dimParam);
  return out;
}

/**
 * Infers the element type and shape of every value of `graph`. Cost: one pass over the nodes with
 * map lookups — linear in the graph size.
 */
export function inferShapes(graph: Graph, options: InferOptions = {}): ShapeInference {
  const symbols = new SymbolTable([
    ...symbolsUsed([...graph.inputs, ...graph.outputs, ...graph.valueInfo.values()]),
    ...Object.values(options.inputShapes ?? {}).flatMap((s) =>
      s.filter((d): d is string => typeof d === 'string'),
    ),
  ]);
  const types = new Map<string, TensorType>();
  const values = new Map<string, ConstValue>();
  const opsets = opsetsOf(graph);

  for (const vi of graph.inputs) {
    const declared = declaredType(vi.type, symbols);
    const bound = options.inputShapes?.[vi.name];
    const t = bound ? { dtype: declared?.dtype ?? 0, shape: [...bound] } : declared;
    if (t) types.set(vi.name, t);
  }
  for (const [name, t] of graph.initializers) {
    types.set(name, { dtype: t.dataType, shape: t.dims.map(Number) });
    const v = constOfTensor(t);
    if (v) values.set(name, v);
  }

  const ctxOf = (node: GraphNode, opset: number): InferContext => {
    const name = (i: number) => node.inputs[i] ?? '';
    return {
      node,
      opset,
      symbols,
      type: (i) => types.get(name(i)),
      shape: (i) => types.get(name(i))?.shape,
      dtype: (i): DataType | undefined => {
        const dt = types.get(name(i))?.dtype;
        return dt ? dt : undefined;
      },
      value: (i) => values.get(name(i)),
      has: (i) => name(i) !== '',
    };
  };

  for (const node of graph.nodes()) {
    const domain = node.domain === 'ai.onnx' ? '' : node.domain;
    const rule = domain === '' ? RULES[node.opType] : undefined;
    const ctx = ctxOf(node, opsets.get(domain) ?? DEFAULT_OPSET);
    let out: (TensorType | undefined)[] = [];
    // A rule returns unknown outputs for what it cannot infer and throws InvalidModelError for what
    // cannot be; anything else it throws is a bug and must reach the caller, not become "unknown".
    if (rule) out = rule(ctx);
    node.outputs.forEach((v, i) => {
      if (v === '') return;
      const declared = graph.valueInfo.get(v);
      const t = merge(out[i], declared && declaredType(declared.type, symbols));
      if (t) types.set(v, t);
      out[i] = t;
    });
    if (!rule) continue;
    const consts = evaluateConstants(ctx, out);
    consts?.forEach((c, i) => {
      if (c && node.outputs[i] && c.data.length <= MAX_CONST_ELEMENTS) values.set(node.outputs[i], c);
    });
  }
  for (const o of graph.outputs) {
    const t = merge(types.get(o.name), declaredType(o.type, symbols));
    if (t) types.set(o.name, t);
  }
  return { types, values, symbols, graphVersion: graph.version };
}

/** Graph → Model the codec can encode. */
import { emptyGraph, emptyModel, emptyNode, emptyValueInfo } from '../onnx';
import type { Graph as GraphProto, Model, Node, Tensor, TypeProto, ValueInfo } from '../onnx/types';
import type { Graph } from './graph';
import { declaredType, inferShapes, type ShapeInference } from './infer/infer-shapes';
import { SymbolTable } from './symbols';
import type { TensorType } from './types';

/** The `TypeProto` of a tensor type; symbols become `dim_param`s. */
export function typeProtoOf(t: TensorType): TypeProto {
  return {
    tensorType: {
      elemType: t.dtype,
      shape: t.shape && {
        dim: t.shape.map((d) =>
          typeof d === 'number' ? { dimValue: BigInt(d), denotation: '' } : { dimParam: d, denotation: '' },
        ),
      },
    },
    denotation: '',
  };
}

/** Whether declared info still describes the value: same dtype, rank and known sizes. */
function stillValid(vi: ValueInfo, inferred: TensorType | undefined): boolean {
  const declared = declaredType(vi.type, new SymbolTable());
  if (!declared || !inferred) return true;
  if (inferred.dtype && declared.dtype && inferred.dtype !== declared.dtype) return false;
  if (!declared.shape || !inferred.shape) return true;
  if (declared.shape.length !== inferred.shape.length) return false;
  return declared.shape.every(
    (d, i) => typeof d !== 'number' || typeof inferred.shape![i] !== 'number' || d === inferred.shape![i],
  );
}

/**
 * The model of `graph`: nodes in topological order, initializers something still reads (unused ones,
 * folded Constants included, are dropped), declared `value_info` of values that still exist and
 * still agree with inference; everything else of the imported model (opsets, IR version, metadata,
 * functions, training info, unknown fields) as it was.
 */
export function exportModel(graph: Graph, shapes?: ShapeInference): Model {
  if (!shapes || shapes.graphVersion !== graph.version) shapes = inferShapes(graph);
  const src = graph.model;
  const srcGraph = src?.graph;
  const used = new Set<string>();
  const nodes: Node[] = graph.nodes().map((n) => {
    n.inputs.forEach((v) => used.add(v));
    graph.implicitInputs(n.id).forEach((v) => used.add(v));
    return {
      ...(n.source ?? emptyNode()),
      input: [...n.inputs],
      output: [...n.outputs],
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      attribute: n.attributes,
    };
  });
  for (const o of graph.outputs) used.add(o.name);
  const initializer: Tensor[] = [];
  for (const [name, t] of graph.initializers) if (used.has(name)) initializer.push(t);

  // Keep initializers the source listed among its inputs; IR < 4 requires all of them there.
  const listed = new Map(srcGraph?.input.map((v) => [v.name, v]));
  const mustList = src !== undefined && src.irVersion < 4n;
  const input: ValueInfo[] = [...graph.inputs];
  for (const t of initializer) {
    const vi = listed.get(t.name);
    if (vi) input.push(vi);
    else if (mustList)
      input.push(
        emptyValueInfo({ name: t.name, type: typeProtoOf({ dtype: t.dataType, shape: t.dims.map(Number) }) }),
      );
  }

  // An output's declared type is rewritten when an edit changed it (inference knows better).
  const output = graph.outputs.map((o) => {
    const t = shapes.types.get(o.name);
    if (o.type && stillValid(o, t)) return o;
    return t ? { ...o, type: typeProtoOf(t) } : o;
  });
  const valueInfo: ValueInfo[] = [];
  for (const [name, vi] of graph.valueInfo) {
    const s = graph.source(name);
    if (s.kind === 'node' && !graph.isGraphOutput(name) && stillValid(vi, shapes.types.get(name)))
      valueInfo.push(vi);
  }
  const exists = (name: string) => graph.hasValue(name);
  const g: GraphProto = {
    ...(srcGraph ?? emptyGraph()),
    name: graph.name,
    node: nodes,
    initializer,
    input,
    output,
    valueInfo,
    quantizationAnnotation: (srcGraph?.quantizationAnnotation ?? []).filter((a) => exists(a.tensorName)),
  };
  return { ...(src ?? emptyModel()), graph: g };
}

/** Alias of {@link exportModel}. */
export const graphToModel = exportModel;

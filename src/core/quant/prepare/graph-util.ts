/** Small graph helpers the quant passes share. */
import { attrInt, inferShapes, importModel, exportModel, type Graph, type GraphNode } from '../../graph';
import { DataType, makeTensor, tensorData, type Tensor } from '../../onnx';

/** Adds an initializer under a fresh name from `base` and returns the name. */
export function addConstant(
  graph: Graph,
  base: string,
  dataType: DataType,
  dims: number[],
  data: Tensor['rawData'] | ArrayBufferView,
): string {
  const name = graph.uniqueName(base);
  graph.addInitializer(makeTensor(name, dataType, dims, data as never));
  return name;
}

export function int64Constant(graph: Graph, base: string, values: readonly number[]): string {
  return addConstant(graph, base, DataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt)));
}

export function floatScalar(graph: Graph, base: string, value: number): string {
  return addConstant(graph, base, DataType.FLOAT, [], new Float32Array([value]));
}

/** The float32 values of an initializer (a view), or undefined when `name` is not a float initializer. */
export function floatInitializer(graph: Graph, name: string): Float32Array | undefined {
  const t = graph.initializers.get(name);
  return t && t.dataType === DataType.FLOAT ? (tensorData(t) as Float32Array) : undefined;
}

/** A copy of the graph (edits on it leave the original alone); `opset` rewrites the default-domain import. */
export function copyGraph(graph: Graph, opset?: number): Graph {
  const model = exportModel(graph, inferShapes(graph));
  if (opset === undefined) return importModel(model);
  const others = model.opsetImport.filter((o) => o.domain !== '' && o.domain !== 'ai.onnx');
  return importModel({
    ...model,
    irVersion: model.irVersion < 7n ? 7n : model.irVersion,
    opsetImport: [{ domain: '', version: BigInt(opset) }, ...others],
  });
}

/** Opset of the default domain (ai.onnx). */
export function defaultOpset(graph: Graph): number {
  const o = graph.model?.opsetImport.find((x) => x.domain === '' || x.domain === 'ai.onnx');
  return o ? Number(o.version) : 21;
}

/** Gives every unnamed node a unique name (`Conv_12`), so plans can name nodes. */
export function nameNodes(graph: Graph): void {
  const taken = new Set(
    graph
      .nodes()
      .map((n) => n.name)
      .filter((n) => n !== ''),
  );
  for (const n of graph.nodes()) {
    if (n.name !== '') continue;
    let k = n.id as number;
    while (taken.has(`${n.opType}_${k}`)) k++;
    n.name = `${n.opType}_${k}`;
    taken.add(n.name);
  }
}

/** Nodes by name (names must be unique: see {@link nameNodes}). */
export function nodesByName(graph: Graph): Map<string, GraphNode> {
  return new Map(graph.nodes().map((n) => [n.name, n]));
}

/** The only consumer of `value`, when exactly one node reads it once and it is not a graph output. */
export function soleConsumer(graph: Graph, value: string): GraphNode | undefined {
  if (graph.isGraphOutput(value)) return undefined;
  const uses = graph.uses(value);
  return uses.length === 1 ? graph.node(uses[0].node) : undefined;
}

/** Constant min/max of a Clip (opset ≥ 11 inputs or older attributes); undefined when not constant. */
export function clipBounds(graph: Graph, node: GraphNode): [number, number] | undefined {
  const bound = (i: number, fallback: number): number | undefined => {
    const name = node.inputs[i];
    if (!name) return fallback;
    const v = floatInitializer(graph, name);
    return v && v.length === 1 ? v[0] : undefined;
  };
  if (node.inputs.length <= 1 && node.attributes.some((a) => a.name === 'min' || a.name === 'max')) {
    const a = (name: string, d: number) => node.attributes.find((x) => x.name === name)?.f ?? d;
    return [a('min', -Infinity), a('max', Infinity)];
  }
  const lo = bound(1, -Infinity);
  const hi = bound(2, Infinity);
  return lo === undefined || hi === undefined ? undefined : [lo, hi];
}

export { attrInt };

/**
 * Frees a graph output's name so nodes can be put after its producer: the producer's value becomes
 * `<value>_prequant` and `restore` renames the graph output back once a node writes `value` again.
 * For any other value `source` is `value` and `restore` does nothing.
 */
export function detachOutput(
  graph: Graph,
  value: string,
): { source: string; isOutput: boolean; restore(): void } {
  if (!graph.isGraphOutput(value)) return { source: value, isOutput: false, restore() {} };
  const source = graph.uniqueName(`${value}_prequant`);
  graph.renameValue(value, source);
  return {
    source,
    isOutput: true,
    restore() {
      const i = graph.outputs.findIndex((o) => o.name === source);
      graph.outputs[i] = { ...graph.outputs[i], name: value };
    },
  };
}

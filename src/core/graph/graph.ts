/**
 * The graph IR: nodes, the values between them, initializers, graph inputs and outputs, with the
 * producer and consumers of every value kept in maps. Every edit goes through a method that keeps
 * those maps right and refuses an edit that would leave the graph invalid, so later stages (analysis,
 * pruning, quantization) can trust `producer`/`consumers` without rescanning.
 */
import type { Attribute, Model, Tensor, ValueInfo } from '../onnx/types';
import { GraphError } from './errors';
import { subgraphOuterNames } from './subgraph';
import { topologicalSort } from './topo';
import type { GraphNode, NodeId, NodeSpec, ValueSource, ValueUse } from './types';

interface MutableNode extends GraphNode {
  inputs: string[];
  outputs: string[];
  /** Outer-scope values read by subgraph attributes (If/Loop/Scan bodies). */
  implicitInputs: string[];
}

export class Graph {
  /** `graph.name` of the source model. */
  name = '';
  /** Declared graph inputs (initializers excluded), in order. */
  readonly inputs: ValueInfo[] = [];
  /** Declared graph outputs, in order. */
  readonly outputs: ValueInfo[] = [];
  /** Declared `value_info`, by value name. */
  readonly valueInfo = new Map<string, ValueInfo>();
  /** Initializers by name (Constant nodes folded in on import). */
  readonly initializers = new Map<string, Tensor>();
  /** Names of initializers that came from folded `Constant` nodes. */
  readonly foldedConstants = new Set<string>();
  /** The model this graph was imported from: export keeps everything of it the graph does not own. */
  readonly model?: Model;

  private readonly nodeMap = new Map<NodeId, MutableNode>();
  private readonly producerOf = new Map<string, { node: NodeId; index: number }>();
  private readonly consumersOf = new Map<string, Set<NodeId>>();
  private readonly inputNames = new Set<string>();
  /** Nodes with subgraph attributes: renames must not miss names read inside them. */
  private readonly subgraphNodes = new Set<NodeId>();
  private order: NodeId[] = [];
  private orderValid = true;
  private nextId = 0;
  private revision = 0;

  constructor(model?: Model) {
    this.model = model;
  }

  /** Increments on every edit; caches (shape inference) compare it to know they are stale. */
  get version(): number {
    return this.revision;
  }

  get nodeCount(): number {
    return this.nodeMap.size;
  }

  node(id: NodeId): GraphNode {
    const n = this.nodeMap.get(id);
    if (!n) throw new GraphError(`no node ${id}`);
    return n;
  }

  hasNode(id: NodeId): boolean {
    return this.nodeMap.has(id);
  }

  /** Nodes in topological order (stable: an already sorted file keeps its order). */
  nodes(): GraphNode[] {
    if (!this.orderValid) {
      this.order = topologicalSort(
        this.order,
        (id) => this.dependencies(id),
        (id) => this.nodeMap.get(id)?.name || `#${id}`,
      );
      this.orderValid = true;
    }
    return this.order.map((id) => this.nodeMap.get(id) as GraphNode);
  }

  /** Where `value` comes from. */
  source(value: string): ValueSource {
    if (this.inputNames.has(value)) return { kind: 'input' };
    if (this.initializers.has(value)) return { kind: 'initializer' };
    const p = this.producerOf.get(value);
    return p ? { kind: 'node', node: p.node, index: p.index } : { kind: 'none' };
  }

  /** The node producing `value`, if a node does. */
  producer(value: string): GraphNode | undefined {
    const p = this.producerOf.get(value);
    return p ? this.nodeMap.get(p.node) : undefined;
  }

  /** Nodes reading `value` (as an explicit input or from a subgraph), each once. */
  consumers(value: string): GraphNode[] {
    const set = this.consumersOf.get(value);
    return set ? [...set].map((id) => this.nodeMap.get(id) as GraphNode) : [];
  }

  /** Every explicit use of `value`: which node, which input slot. */
  uses(value: string): ValueUse[] {
    const out: ValueUse[] = [];
    for (const id of this.consumersOf.get(value) ?? []) {
      const n = this.nodeMap.get(id) as MutableNode;
      n.inputs.forEach((v, index) => {
        if (v === value) out.push({ node: id, index });
      });
    }
    return out;
  }

  /** Outer-scope values a node's subgraphs read (empty for ordinary nodes). */
  implicitInputs(id: NodeId): readonly string[] {
    return (this.nodeMap.get(id) as MutableNode).implicitInputs;
  }

  isGraphInput(value: string): boolean {
    return this.inputNames.has(value);
  }

  isGraphOutput(value: string): boolean {
    return this.outputs.some((o) => o.name === value);
  }

  /** Whether some node, graph input or initializer defines `value`. */
  hasValue(value: string): boolean {
    return this.inputNames.has(value) || this.initializers.has(value) || this.producerOf.has(value);
  }

  /** All value names: graph inputs, initializers, node outputs. */
  valueNames(): string[] {
    return [...this.inputNames, ...this.initializers.keys(), ...this.producerOf.keys()];
  }

  // ---- edits -------------------------------------------------------------------------------------

  /** Declares a graph input (used on import). */
  addInput(info: ValueInfo): void {
    if (this.hasValue(info.name)) throw new GraphError(`value '${info.name}' is already defined`);
    this.inputs.push(info);
    this.inputNames.add(info.name);
    this.touch();
  }

  /** Adds an initializer under `tensor.name`. */
  addInitializer(tensor: Tensor, fromConstant = false): void {
    if (this.hasValue(tensor.name)) throw new GraphError(`value '${tensor.name}' is already defined`);
    this.initializers.set(tensor.name, tensor);
    if (fromConstant) this.foldedConstants.add(tensor.name);
    this.touch();
  }

  /**
   * Replaces the data (and possibly the shape) of initializer `name`; the tensor is stored under
   * `name` whatever its own name says.
   */
  replaceInitializer(name: string, tensor: Tensor): void {
    if (!this.initializers.has(name)) throw new GraphError(`no initializer '${name}'`);
    this.initializers.set(name, tensor.name === name ? tensor : { ...tensor, name });
    this.touch();
  }

  /** Removes an initializer nothing reads. */
  removeInitializer(name: string): void {
    if (!this.initializers.has(name)) throw new GraphError(`no initializer '${name}'`);
    if (this.consumersOf.get(name)?.size || this.isGraphOutput(name))
      throw new GraphError(`initializer '${name}' is still used`);
    this.initializers.delete(name);
    this.foldedConstants.delete(name);
    this.touch();
  }

  /**
   * Adds a node. Its inputs must exist (or be `''`), its outputs must be new names. It goes after its
   * producers in {@link nodes}.
   */
  addNode(spec: NodeSpec): NodeId {
    return this.addNodes([spec])[0];
  }

  /**
   * Adds nodes that may read each other's outputs in any order (a file's node list): every input
   * must be defined once all are added. Sorted on demand; a cycle throws there.
   */
  addNodes(specs: readonly NodeSpec[]): NodeId[] {
    const fresh = new Set<string>();
    for (const spec of specs)
      for (const v of spec.outputs) {
        if (v === '') continue;
        if (this.hasValue(v) || fresh.has(v))
          throw new GraphError(`output '${v}' of ${spec.opType} '${spec.name ?? ''}' is already defined`);
        fresh.add(v);
      }
    const implicit = specs.map((s) => subgraphOuterNames(s.attributes ?? []));
    specs.forEach((spec, k) => {
      for (const v of [...spec.inputs, ...implicit[k]])
        if (v !== '' && !this.hasValue(v) && !fresh.has(v))
          throw new GraphError(`input '${v}' of ${spec.opType} '${spec.name ?? ''}' is not defined`);
    });
    const produced = new Set<string>();
    const ids = specs.map((spec, k) => {
      const id = this.nextId++ as NodeId;
      const node: MutableNode = {
        id,
        opType: spec.opType,
        domain: spec.domain ?? '',
        name: spec.name ?? '',
        inputs: [...spec.inputs],
        outputs: [...spec.outputs],
        attributes: spec.attributes ?? [],
        source: spec.source,
        implicitInputs: implicit[k],
      };
      this.nodeMap.set(id, node);
      if (node.implicitInputs.length) this.subgraphNodes.add(id);
      // Appending keeps a sorted list sorted; a forward reference means sorting on demand.
      for (const v of this.readsOf(node)) {
        if (fresh.has(v) && !produced.has(v)) this.orderValid = false;
        this.addConsumer(v, id);
      }
      node.outputs.forEach((v, index) => {
        if (v === '') return;
        this.producerOf.set(v, { node: id, index });
        produced.add(v);
      });
      this.order.push(id);
      return id;
    });
    this.touch();
    return ids;
  }

  /**
   * Puts a new node on `value`: the node reads it, and every node that read `value` reads the new
   * node's output `outputIndex` instead. Graph outputs keep `value`, so the model's interface holds.
   */
  insertAfter(value: string, spec: NodeSpec, outputIndex = 0): NodeId {
    if (!spec.inputs.includes(value)) throw new GraphError(`new ${spec.opType} must read '${value}'`);
    const readers = this.uses(value);
    const id = this.addNode(spec);
    const out = spec.outputs[outputIndex];
    for (const use of readers) this.setNodeInput(use.node, use.index, out);
    return id;
  }

  /** Removes a node whose outputs nothing reads (use {@link bypassNode} to splice one out). */
  removeNode(id: NodeId): void {
    const node = this.nodeMap.get(id);
    if (!node) throw new GraphError(`no node ${id}`);
    for (const v of node.outputs) {
      if (v === '') continue;
      if (this.consumersOf.get(v)?.size || this.isGraphOutput(v))
        throw new GraphError(`output '${v}' of ${node.opType} '${node.name}' is still used`);
    }
    this.detach(node);
    this.touch();
  }

  /**
   * Removes a node that passes one input through (Identity, Dropout at inference, a Cast that is not
   * needed): readers of output `outputIndex` read input `inputIndex` instead. When that output is a
   * graph output, the input value takes its name so the model's interface is unchanged.
   */
  bypassNode(id: NodeId, inputIndex = 0, outputIndex = 0): void {
    const node = this.nodeMap.get(id);
    if (!node) throw new GraphError(`no node ${id}`);
    const from = node.inputs[inputIndex];
    const out = node.outputs[outputIndex];
    if (!from) throw new GraphError(`${node.opType} '${node.name}' has no input ${inputIndex}`);
    node.outputs.forEach((v, i) => {
      if (i !== outputIndex && v !== '' && (this.consumersOf.get(v)?.size || this.isGraphOutput(v)))
        throw new GraphError(`output '${v}' of ${node.opType} '${node.name}' is still used`);
    });
    this.replaceAllUses(out, from, { graphOutputs: false });
    const isOut = this.isGraphOutput(out);
    this.detach(node);
    if (isOut) {
      if (this.inputNames.has(from) || this.isGraphOutput(from))
        throw new GraphError(
          `cannot bypass ${node.opType} '${node.name}': '${from}' cannot take the output name '${out}'`,
        );
      // The output's declared info describes the output; the input's own value_info would be stale.
      this.valueInfo.delete(from);
      this.renameValue(from, out, { allowTakenByOutput: true });
    }
    this.touch();
  }

  /** Sets input `index` of a node to `value` (a defined value, or `''` to omit an optional input). */
  setNodeInput(id: NodeId, index: number, value: string): void {
    const node = this.nodeMap.get(id);
    if (!node) throw new GraphError(`no node ${id}`);
    if (value !== '' && !this.hasValue(value)) throw new GraphError(`value '${value}' is not defined`);
    if (index < 0 || index > node.inputs.length) throw new GraphError(`input index ${index} out of range`);
    if (value !== '' && this.reaches(id, value))
      throw new GraphError(`rewiring ${node.opType} '${node.name}' to '${value}' would make a cycle`);
    const old = node.inputs[index];
    node.inputs[index] = value;
    if (old !== undefined && old !== '' && !this.readsOf(node).includes(old))
      this.consumersOf.get(old)?.delete(id);
    if (value !== '') this.addConsumer(value, id);
    this.orderValid = false;
    this.touch();
  }

  /** Points every reader of `from` (nodes, and graph outputs unless told not to) at `to`. */
  replaceAllUses(from: string, to: string, opts: { graphOutputs?: boolean } = {}): void {
    if (!this.hasValue(to)) throw new GraphError(`value '${to}' is not defined`);
    for (const use of this.uses(from)) this.setNodeInput(use.node, use.index, to);
    if (opts.graphOutputs ?? true) {
      const i = this.outputs.findIndex((o) => o.name === from);
      if (i >= 0) this.outputs[i] = { ...this.outputs[i], name: to };
    }
    this.touch();
  }

  /** Sets (replacing a same-named one) or removes (`value` undefined) an attribute of a node. */
  setAttribute(id: NodeId, name: string, value: Attribute | undefined): void {
    const node = this.nodeMap.get(id);
    if (!node) throw new GraphError(`no node ${id}`);
    node.attributes = node.attributes.filter((a) => a.name !== name);
    if (value) node.attributes.push({ ...value, name });
    this.touch();
  }

  /** Renames a value everywhere: its producer, readers, graph inputs/outputs, initializer, value_info. */
  renameValue(from: string, to: string, opts: { allowTakenByOutput?: boolean } = {}): void {
    if (from === to) return;
    if (!this.hasValue(from)) throw new GraphError(`value '${from}' is not defined`);
    if (this.hasValue(to) || (!opts.allowTakenByOutput && this.isGraphOutput(to)))
      throw new GraphError(`value '${to}' is already defined`);
    for (const id of this.subgraphNodes) {
      const n = this.nodeMap.get(id) as MutableNode;
      if (n.implicitInputs.includes(from))
        throw new GraphError(
          `'${from}' is read inside a subgraph of ${n.opType} '${n.name}'; rename it there first`,
        );
    }
    const p = this.producerOf.get(from);
    if (p) {
      (this.nodeMap.get(p.node) as MutableNode).outputs[p.index] = to;
      this.producerOf.delete(from);
      this.producerOf.set(to, p);
    }
    const init = this.initializers.get(from);
    if (init) {
      this.initializers.delete(from);
      this.initializers.set(to, { ...init, name: to });
      if (this.foldedConstants.delete(from)) this.foldedConstants.add(to);
    }
    if (this.inputNames.delete(from)) {
      this.inputNames.add(to);
      const i = this.inputs.findIndex((v) => v.name === from);
      this.inputs[i] = { ...this.inputs[i], name: to };
    }
    const readers = this.consumersOf.get(from);
    if (readers) {
      for (const id of readers) {
        const n = this.nodeMap.get(id) as MutableNode;
        n.inputs.forEach((v, i) => v === from && (n.inputs[i] = to));
      }
      this.consumersOf.delete(from);
      this.consumersOf.set(to, readers);
    }
    this.outputs.forEach((o, i) => o.name === from && (this.outputs[i] = { ...o, name: to }));
    const vi = this.valueInfo.get(from);
    if (vi) {
      this.valueInfo.delete(from);
      this.valueInfo.set(to, { ...vi, name: to });
    }
    this.touch();
  }

  /** Makes `value` a graph output (its type is filled in on export when not given). */
  addOutput(value: string, info?: ValueInfo): void {
    if (!this.hasValue(value)) throw new GraphError(`value '${value}' is not defined`);
    if (this.isGraphOutput(value)) return;
    this.outputs.push(info ?? { name: value, docString: '', metadataProps: [] });
    this.touch();
  }

  /** Stops exposing `value` as a graph output. */
  removeOutput(value: string): void {
    const i = this.outputs.findIndex((o) => o.name === value);
    if (i < 0) throw new GraphError(`'${value}' is not a graph output`);
    this.outputs.splice(i, 1);
    this.touch();
  }

  /** A value name not used anywhere in the graph, from `base`. */
  uniqueName(base: string): string {
    if (!this.hasValue(base) && !this.isGraphOutput(base)) return base;
    for (let i = 1; ; i++) {
      const name = `${base}_${i}`;
      if (!this.hasValue(name) && !this.isGraphOutput(name)) return name;
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  private touch(): void {
    this.revision++;
  }

  private readsOf(node: MutableNode): string[] {
    const out = node.inputs.filter((v) => v !== '');
    for (const v of node.implicitInputs) if (!out.includes(v)) out.push(v);
    return out;
  }

  private addConsumer(value: string, id: NodeId): void {
    let set = this.consumersOf.get(value);
    if (!set) this.consumersOf.set(value, (set = new Set()));
    set.add(id);
  }

  private dependencies(id: NodeId): NodeId[] {
    const out: NodeId[] = [];
    for (const v of this.readsOf(this.nodeMap.get(id) as MutableNode)) {
      const p = this.producerOf.get(v);
      if (p) out.push(p.node);
    }
    return out;
  }

  /** Whether `value` is computed from an output of node `id` (reading it would close a cycle). */
  private reaches(id: NodeId, value: string): boolean {
    const seen = new Set<NodeId>();
    const stack: string[] = [value];
    while (stack.length) {
      const p = this.producerOf.get(stack.pop() as string);
      if (!p || seen.has(p.node)) continue;
      if (p.node === id) return true;
      seen.add(p.node);
      stack.push(...this.readsOf(this.nodeMap.get(p.node) as MutableNode));
    }
    return false;
  }

  private detach(node: MutableNode): void {
    for (const v of this.readsOf(node)) this.consumersOf.get(v)?.delete(node.id);
    for (const v of node.outputs)
      if (v !== '' && this.producerOf.get(v)?.node === node.id) this.producerOf.delete(v);
    for (const v of node.outputs) if (v !== '' && !this.consumersOf.get(v)?.size) this.consumersOf.delete(v);
    for (const v of node.outputs) this.valueInfo.delete(v);
    this.nodeMap.delete(node.id);
    this.subgraphNodes.delete(node.id);
    const i = this.order.indexOf(node.id);
    if (i >= 0) this.order.splice(i, 1);
  }
}

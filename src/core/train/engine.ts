/**
 * The training engine over the graph IR: a forward pass that keeps every activation, and
 * reverse-mode gradients from the graph outputs back to the trainable parameters — the float
 * initializers of the model. Values the graph computes from constants alone (shapes, axes) are read
 * from shape inference with the batch bound, so shape-computing subgraphs never run.
 *
 * An op without a gradient stops the backward pass: every parameter whose only way to the outputs
 * goes through such an op is frozen, and {@link FrozenReport} names the ops that froze it.
 */
import { inferShapes, type Graph, type GraphNode, type NodeId } from '../graph';
import { DataType, makeTensor, tensorData } from '../onnx';
import { TrainError } from './errors';
import { opImpl } from './ops/registry';
import type { ForwardResult, OpContext, OpImpl, OpInputs } from './ops/types';
import type { Compute } from './compute';
import { BufferPool } from './buffer-pool';
import { allocFloats, sizeOf, type Floats, type Precision, type Value } from './tensor';

export interface FrozenReport {
  /** Float initializers that get no gradient. */
  params: string[];
  /** The ops without a gradient that cut them off from the outputs. */
  blockedBy: { node: string; opType: string }[];
}

export interface TrainableOptions {
  compute: Compute;
  precision?: Precision;
  /** Initializers to keep fixed even though they could train. */
  freeze?: readonly string[];
  /** BatchNormalization by batch statistics (see {@link TrainableModel.batchStatistics}). */
  batchStatistics?: boolean;
  /** Where released arrays wait for reuse: share one between the models of one run. */
  pool?: BufferPool;
}

/** One forward pass: every value it computed and what each op saved. */
export interface Tape {
  readonly values: Map<string, Value>;
  readonly steps: { node: GraphNode; op: OpImpl; inputs: OpInputs; result: ForwardResult }[];
  /** Arrays the forward and backward passes over this tape allocated (see {@link TrainableModel.release}). */
  readonly owned: Floats[];
}

interface Step {
  node: GraphNode;
  op: OpImpl;
  /** Data slots whose input depends on a trainable parameter (so a gradient is wanted there). */
  needs: boolean[];
}

const isDataSlot = (op: OpImpl | undefined, i: number) =>
  !op?.constSlots?.includes(i) && !op?.fixedSlots?.includes(i);

export class TrainableModel {
  /** Trainable parameters by initializer name, in the engine's precision (updated in place). */
  readonly params = new Map<string, Value>();
  readonly frozen: FrozenReport;
  readonly precision: Precision;
  readonly compute: Compute;
  /**
   * BatchNormalization normalises by each batch's statistics (PyTorch's `train()`); off, by the
   * running statistics the model holds (`eval()`). Switch it off to predict.
   */
  batchStatistics: boolean;
  private readonly constantsByShape = new Map<string, Map<string, Value>>();
  private readonly steps: Step[];
  private readonly opset: number;
  /** Values computed from a candidate parameter: never constants, whatever shape inference folds. */
  private readonly dependent: Set<string>;
  private readonly pool: BufferPool;

  constructor(
    readonly graph: Graph,
    options: TrainableOptions,
  ) {
    this.precision = options.precision ?? 'f32';
    this.compute = options.compute;
    this.batchStatistics = options.batchStatistics ?? false;
    this.pool = options.pool ?? new BufferPool(this.precision);
    this.opset = Number(
      graph.model?.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 21,
    );
    const nodes = graph.nodes();
    const excluded = new Set(options.freeze ?? []);

    // Candidates: float initializers read in a data slot.
    const candidates = new Set<string>();
    for (const node of nodes) {
      const op = opImpl(node.opType, node.domain);
      node.inputs.forEach((v, i) => {
        const t = graph.initializers.get(v);
        if (t && t.dataType === DataType.FLOAT && isDataSlot(op, i) && !excluded.has(v)) candidates.add(v);
      });
    }
    // Values that depend on a candidate, forward.
    const depends = new Set(candidates);
    for (const node of nodes)
      if (node.inputs.some((v, i) => depends.has(v) && isDataSlot(opImpl(node.opType, node.domain), i)))
        node.outputs.forEach((o) => o && depends.add(o));
    // Values a gradient reaches, backward from the outputs through ops that have one.
    const reached = new Set(graph.outputs.map((o) => o.name));
    const blocked = new Map<string, GraphNode>();
    this.dependent = depends;
    this.steps = [];
    for (const node of [...nodes].reverse()) {
      const op = opImpl(node.opType, node.domain);
      const needs = node.inputs.map((v, i) => v !== '' && depends.has(v) && isDataSlot(op, i));
      if (!node.outputs.some((o) => reached.has(o)) || !needs.some(Boolean)) {
        this.steps.push({ node, op: op as OpImpl, needs: needs.map(() => false) });
        continue;
      }
      if (!op?.backward) {
        blocked.set(node.name || `#${node.id}`, node);
        this.steps.push({ node, op: op as OpImpl, needs: needs.map(() => false) });
        continue;
      }
      node.inputs.forEach((v, i) => needs[i] && reached.add(v));
      this.steps.push({ node, op, needs });
    }
    this.steps.reverse();
    const frozenParams: string[] = [];
    for (const name of candidates) {
      if (!reached.has(name)) {
        frozenParams.push(name);
        continue;
      }
      const t = graph.initializers.get(name)!;
      const data = allocFloats(this.precision, sizeOf(t.dims.map(Number)));
      data.set(tensorData(t) as Float32Array);
      this.params.set(name, { data, shape: t.dims.map(Number) });
    }
    this.frozen = {
      params: frozenParams,
      blockedBy: [...blocked].map(([name, n]) => ({ node: name, opType: n.opType })),
    };
  }

  /** Values known before running for this input shape: initializers and constant-folded results. */
  private constants(inputShapes: Record<string, number[]>): Map<string, Value> {
    const key = JSON.stringify(inputShapes);
    let out = this.constantsByShape.get(key);
    if (out) return out;
    out = new Map();
    const inference = inferShapes(this.graph, { inputShapes });
    for (const [name, v] of inference.values) {
      if (this.dependent.has(name) || !v.data.every((d) => typeof d === 'number')) continue;
      const data = allocFloats(this.precision, v.data.length);
      for (let i = 0; i < data.length; i++) data[i] = v.data[i] as number;
      out.set(name, { data, shape: v.dims });
    }
    for (const [name, t] of this.graph.initializers) {
      if (out.has(name) || this.params.has(name)) continue;
      // A frozen float parameter still feeds the forward pass.
      if (t.dataType === DataType.STRING) continue;
      const raw = tensorData(t);
      const data = allocFloats(this.precision, raw.length);
      for (let i = 0; i < raw.length; i++) data[i] = Number(raw[i]);
      out.set(name, { data, shape: t.dims.map(Number) });
    }
    this.constantsByShape.set(key, out);
    return out;
  }

  /** What ops see; every array they allocate is recorded in `owned`. */
  private context(owned: Floats[]): OpContext {
    return {
      precision: this.precision,
      compute: this.compute,
      opset: this.opset,
      batchStatistics: this.batchStatistics,
      alloc: (n) => this.take(owned, n),
      allocOutput: (n) => this.take(owned, n, true),
    };
  }

  private take(owned: Floats[], n: number, dirty = false): Floats {
    const b = this.pool.take(n, dirty);
    owned.push(b);
    return b;
  }

  /**
   * Ends a training step: every array the forward pass over `tape` and the backward passes over it
   * allocated — activations, saved statistics, gradients — is reused by later passes. Afterwards
   * neither the tape's values nor the gradients backward returned may be read. Parameters, constants
   * and the caller's own arrays (feeds, output gradients) are never among them.
   */
  release(tape: Tape): void {
    this.pool.release(tape.owned);
    tape.owned.length = 0;
  }

  /** Runs the graph on `feeds` (graph input name → value), keeping every activation for backward. */
  async forward(feeds: Readonly<Record<string, Value>>): Promise<Tape> {
    const shapes = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.shape]));
    const constants = this.constants(shapes);
    const values = new Map<string, Value>(Object.entries(feeds));
    const lookup = (name: string): Value | undefined =>
      values.get(name) ?? this.params.get(name) ?? constants.get(name);
    const owned: Floats[] = [];
    const ctx = this.context(owned);
    const steps: Tape['steps'] = [];
    for (const { node, op } of this.steps) {
      // Computed from constants alone (Shape → Gather → Concat …): already known.
      if (node.outputs.every((o) => o === '' || (constants.has(o) && !values.has(o)))) continue;
      if (!op)
        throw new TrainError(
          `${node.opType} '${node.name}' has no training implementation; the training engine cannot run this model.`,
        );
      const inputs: OpInputs = {
        node,
        values: node.inputs.map((v, i) => (v === '' || op.constSlots?.includes(i) ? undefined : lookup(v))),
        consts: node.inputs.map((v, i) =>
          v !== '' && op.constSlots?.includes(i) ? numbersOf(lookup(v)) : undefined,
        ),
      };
      inputs.values.forEach((v, i) => {
        if (!v && node.inputs[i] !== '' && !op.constSlots?.includes(i))
          throw new TrainError(`${node.opType} '${node.name}': input '${node.inputs[i]}' has no value.`);
      });
      const result = await op.forward(ctx, inputs);
      node.outputs.forEach((o, i) => o && result.outputs[i] && values.set(o, result.outputs[i]));
      steps.push({ node, op, inputs, result });
    }
    return { values, steps, owned };
  }

  /** Gradients of the parameters given gradients of graph outputs (by name). */
  async backward(tape: Tape, dOutputs: Readonly<Record<string, Floats>>): Promise<Map<string, Floats>> {
    const grads = new Map<string, Floats>(Object.entries(dOutputs));
    const ctx = this.context(tape.owned);
    const needsOf = new Map<NodeId, boolean[]>(this.steps.map((s) => [s.node.id, s.needs]));
    for (let k = tape.steps.length - 1; k >= 0; k--) {
      const { node, op, inputs, result } = tape.steps[k];
      const needs = needsOf.get(node.id)!;
      if (!op.backward || !needs.some(Boolean)) continue;
      const dOut = node.outputs.map((o) => grads.get(o));
      if (!dOut.some(Boolean)) continue;
      const dIn = await op.backward(ctx, inputs, result, dOut, needs);
      node.inputs.forEach((v, i) => {
        const g = needs[i] ? dIn[i] : undefined;
        if (!g) return;
        const have = grads.get(v);
        if (!have) return void grads.set(v, g);
        // Never add into `have` in place: an op may have passed one array on to several inputs.
        const sum = this.take(tape.owned, g.length, true);
        const n = sum.length;
        for (let j = 0; j < n; j++) sum[j] = have[j] + g[j];
        grads.set(v, sum);
      });
      for (const o of node.outputs) if (!this.params.has(o)) grads.delete(o);
    }
    const out = new Map<string, Floats>();
    for (const [name, p] of this.params)
      out.set(name, grads.get(name) ?? this.take(tape.owned, p.data.length));
    return out;
  }

  /** Replaces a fixed float initializer (BatchNorm running statistics) for later passes. */
  setFixed(name: string, values: Float32Array): void {
    const t = this.graph.initializers.get(name);
    if (!t || this.params.has(name)) throw new TrainError(`'${name}' is not a fixed initializer of the model.`);
    this.graph.replaceInitializer(name, makeTensor(name, DataType.FLOAT, t.dims.map(Number), values));
    for (const constants of this.constantsByShape.values()) {
      const v = constants.get(name);
      if (v) v.data.set(values);
    }
  }

  /** Copies the trained parameters into `graph`'s initializers (float32). */
  writeTo(graph: Graph): void {
    for (const [name, p] of this.params) {
      if (!graph.initializers.has(name)) continue;
      graph.replaceInitializer(name, makeTensor(name, DataType.FLOAT, p.shape, Float32Array.from(p.data)));
    }
  }
}

function numbersOf(v: Value | undefined): number[] | undefined {
  return v ? Array.from(v.data) : undefined;
}

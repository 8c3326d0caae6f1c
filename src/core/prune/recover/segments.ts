/**
 * Runs a graph over the calibration set front to back, in segments: each step runs only the nodes
 * between the last cut it kept and the tensors asked for, fed from that cut's values (for every
 * calibration batch) instead of from the model's inputs. Layer-by-layer recovery then costs about one
 * pass of each model in all, yet every layer's inputs include the corrections of the layers before it.
 * A cut — the tensors computed so far that later nodes still read — is kept only when its values for
 * all samples fit the memory budget; otherwise the next step starts again from the last kept cut
 * (early, high-resolution cuts of a 224-px model: their prefixes are short).
 */
import { bytesOf, type InferenceRuntime, type TensorData } from '../../eval';
import {
  exportModel,
  inferShapes,
  typeProtoOf,
  type Graph,
  type GraphNode,
  type ShapeInference,
} from '../../graph';
import { DataType, dataTypeName, emptyNode, emptyValueInfo, encodeModel, type ValueInfo } from '../../onnx';
import type { CalibrationBatches } from './calibration';
import { SLAB_BYTES, Slabs } from './slabs';

type Values = Readonly<Record<string, TensorData>>;

export class SegmentRunner {
  /** The kept cut's values per batch; undefined: the calibration feeds themselves. */
  private cut: Values[] | undefined;
  private shapes: ShapeInference | undefined;
  /** Cleared once a segment fails to load with onnxruntime's rewrites. */
  private optimize = true;

  constructor(
    private readonly runtime: InferenceRuntime,
    private readonly graph: Graph,
    private readonly calibration: CalibrationBatches,
    /** Bytes the kept cut may take (for all samples). */
    private readonly budget: number,
    /** Calibration batches (the kept cut's size is judged on the first). */
    private readonly batches: number,
  ) {}

  /** Passes run so far and how many of them started from a kept cut (for reports). */
  passes = 0;
  fromCut = 0;

  /**
   * Runs the graph as it is now up to `next` (a node: the cut before it is kept when it fits), and
   * yields the values of `names` batch by batch. Nodes before `next` must not change afterwards.
   */
  async *advance(next: GraphNode | undefined, names: readonly string[]): AsyncGenerator<Values> {
    const order = this.graph.nodes();
    const position = new Map(order.map((n, i) => [n, i]));
    const until = next ? position.get(next)! : order.length;
    const frontier = liveAt(this.graph, order, until);
    const sources = this.cut ? Object.keys(this.cut[0] ?? {}) : this.graph.inputs.map((i) => i.name);
    const known = new Set(sources);
    const wanted = [...new Set([...names, ...frontier])].filter(
      (n) => !known.has(n) && !this.graph.initializers.has(n),
    );
    const included = closure(this.graph, wanted, known);
    this.shapes ??= inferShapes(this.graph);
    const session = wanted.length
      ? await this.open(
          this.segmentModel(
            order.filter((n) => included.has(n)),
            wanted,
            known,
          ),
        )
      : undefined;
    this.passes++;
    if (this.cut) this.fromCut++;
    const kept: Values[] = [];
    const slabs = new Map<string, Slabs>();
    // Sized on the first batch: the cut holds as much again for every other batch.
    const slabsOf = (name: string, first: TensorData) =>
      slabs.get(name) ?? slabs.set(name, new Slabs(first.data.byteLength * this.batches)).get(name)!;
    let keep = true;
    let keptBytes = 0;
    // Once the new cut is sure to be kept, each batch of the old one is dropped as soon as the new
    // one's is made from it: the two never take the budget together (on ResNet-18 at 224 px, cuts of
    // the first stages are over half the budget, so none replaced another and every layer ran from
    // the first one).
    const source = this.cut;
    let dropped = false;
    let complete = false;
    try {
      let batches = 0;
      for await (const feeds of source ?? this.calibration()) {
        const inputs: Record<string, TensorData> = {};
        for (const n of sources) if (feeds[n] && this.reads(included, n)) inputs[n] = feeds[n];
        const out = session ? await session.run(inputs, wanted.map(exposedName)) : {};
        const values: Record<string, TensorData> = {};
        for (const n of wanted) values[n] = out[exposedName(n)];
        for (const n of [...names, ...frontier]) if (known.has(n) && feeds[n]) values[n] = feeds[n];
        batches++;
        if (keep) {
          const cut: Record<string, TensorData> = {};
          // New values go into large buffers (see `Slabs`), one stream per tensor: a value carried
          // over from the old cut is shared without pinning the tensors dropped beside it. A stream
          // smaller than one slab is kept as onnxruntime returned it: the heap it can pin is small,
          // and the copy (into pages never touched before) cost fmnist-resnet8's recovery 15 %.
          for (const n of frontier)
            if (values[n])
              cut[n] =
                known.has(n) || values[n].data.byteLength * this.batches < SLAB_BYTES
                  ? values[n]
                  : slabsOf(n, values[n]).copy(values[n]);
          keptBytes += bytesOf(Object.values(cut));
          // Judged on the first batch (the others are no larger): the whole cut must fit the budget.
          if (keptBytes * (batches === 1 ? this.batches : 1) > this.budget || !next) {
            keep = false;
            kept.length = 0;
          } else kept.push(cut);
        }
        yield values;
        if (keep && source) {
          source[batches - 1] = {};
          dropped = true;
        }
      }
      complete = true;
    } finally {
      await session?.release();
      // A pass left part way (an error downstream) may have dropped part of the old cut.
      if (dropped && !(complete && keep)) this.cut = undefined;
    }
    if (keep && next) {
      this.cut = kept;
    }
  }

  /**
   * With onnxruntime's rewrites where the segment still loads (its fusions and layout transforms speed
   * convolutions up on CPU); without where one breaks it — a fusion can drop an exposed tensor's
   * edge ("… is not a graph input", DenseNet's transitions), as `capture` explains.
   */
  private async open(bytes: Uint8Array) {
    if (this.optimize)
      try {
        return await this.runtime.createSession(bytes, SEGMENT_SESSION);
      } catch {
        this.optimize = false;
      }
    return this.runtime.createSession(bytes, { ...SEGMENT_SESSION, optimize: false });
  }

  private reads(included: Set<GraphNode>, name: string): boolean {
    for (const c of this.graph.consumers(name)) if (included.has(c)) return true;
    return false;
  }

  /** The nodes `included`, fed by the known values they read, with `wanted` exposed as outputs. */
  private segmentModel(nodes: GraphNode[], wanted: readonly string[], known: Set<string>): Uint8Array {
    const model = exportModel(this.graph, this.shapes);
    const g = model.graph!;
    const names = new Set(nodes.map((n) => n.name));
    g.node = g.node.filter((n) => names.has(n.name));
    const read = new Set<string>();
    for (const n of nodes) {
      n.inputs.forEach((v) => read.add(v));
      this.graph.implicitInputs(n.id).forEach((v) => read.add(v));
    }
    g.initializer = g.initializer.filter((t) => read.has(t.name));
    const initializers = new Set(g.initializer.map((t) => t.name));
    const inputs: ValueInfo[] = [];
    for (const v of read)
      if (known.has(v) && !initializers.has(v))
        inputs.push(emptyValueInfo({ name: v, type: this.typeOf(v) }));
    g.input = [...inputs, ...g.input.filter((i) => initializers.has(i.name))];
    // Each tensor is exposed through an Identity with its inferred type (see `capture`).
    g.output = [];
    for (const v of wanted) {
      const out = exposedName(v);
      g.node.push(emptyNode({ opType: 'Identity', name: out, input: [v], output: [out] }));
      g.output.push(
        emptyValueInfo({ name: out, ...(this.shapes!.types.get(v) ? { type: this.typeOf(v) } : {}) }),
      );
    }
    g.valueInfo = g.valueInfo.filter((v) => read.has(v.name));
    return encodeModel(model);
  }

  private typeOf(name: string) {
    const t = this.shapes!.types.get(name);
    if (t) return typeProtoOf(t);
    const sample = this.cut?.[0]?.[name];
    return typeProtoOf({ dtype: dataTypeOf(sample?.type ?? 'float32'), shape: undefined });
  }
}

const exposedName = (name: string) => `${name}::segment`;

/**
 * Kernels work between runs. With its memory arena: one segment's session is open at a time (least
 * squares gathers a block's targets from the original before the pruned model's passes), and without
 * the arena each run allocated its activations afresh, half as much CPU again on ResNet-18's stem.
 */
const SEGMENT_SESSION = { interleaved: true } as const;

/** Tensors computed before position `until` (graph inputs included) that nodes at or after it read. */
function liveAt(graph: Graph, order: readonly GraphNode[], until: number): string[] {
  const before = new Set(order.slice(0, until));
  const out = new Set<string>();
  for (const node of order.slice(until))
    for (const v of [...node.inputs, ...graph.implicitInputs(node.id)]) {
      if (!v || graph.initializers.has(v)) continue;
      const p = graph.producer(v);
      if (p ? before.has(p) : graph.isGraphInput(v)) out.add(v);
    }
  return [...out];
}

/** Nodes computing `names` from `known` values (and initializers). */
function closure(graph: Graph, names: readonly string[], known: Set<string>): Set<GraphNode> {
  const nodes = new Set<GraphNode>();
  const stack = [...names];
  const seen = new Set<string>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v) || known.has(v)) continue;
    seen.add(v);
    const p = graph.producer(v);
    if (!p || nodes.has(p)) continue;
    nodes.add(p);
    stack.push(...p.inputs.filter(Boolean), ...graph.implicitInputs(p.id));
  }
  return nodes;
}

function dataTypeOf(name: string): DataType {
  for (const v of Object.values(DataType)) if (typeof v === 'number' && dataTypeName(v) === name) return v;
  return DataType.FLOAT;
}

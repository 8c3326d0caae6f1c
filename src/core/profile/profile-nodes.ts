/**
 * The per-node latency profile: every node the quantizer would run as an integer kernel, timed alone
 * at its real shapes (batch 1) as float and as INT8, plus what a float/INT8 border around it costs.
 */
import { inferShapes, initializerBehind, type Graph, type GraphNode, type ShapeInference } from '../graph';
import { encodeModel, type Model } from '../onnx';
import { planQuantization, type PlanOptions, type QuantPlan } from '../quant';
import { soleReader } from './edges';
import { timingKey, type ProfileCache } from './cache';
import { convertModels, int8UnitModel } from './int8-unit';
import type { LatencyProfile, LatencyTimer, NodeLatency } from './types';
import { concreteShape, unitGraph, unitModel, type NodeUnit } from './unit-model';

export interface ProfileOptions {
  readonly timer: LatencyTimer;
  readonly cache?: ProfileCache;
  /** The quantization scheme the INT8 form follows (the recipe's). */
  readonly scheme?: Pick<PlanOptions, 'activations' | 'perChannel'>;
  /** Units timed together, interleaved (default 8: 16 sessions alive at once). */
  readonly chunk?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** The quantizable nodes of a prepared graph (BN folded, nodes named) with the Relu/Clip each absorbs. */
export function quantizableUnits(graph: Graph, plan: QuantPlan): NodeUnit[] {
  const units: NodeUnit[] = [];
  for (const node of graph.nodes()) {
    if (plan.nodes[node.name] !== 'quantized') continue;
    const next = soleReader(graph, node.outputs[0]);
    units.push(next && plan.nodes[next.name] === 'absorbed' ? { node, absorbed: next } : { node });
  }
  return units;
}

/**
 * Times each quantizable node of `graph` (prepared for quantization) float and INT8 through
 * `options.timer`; each distinct (op, attributes, shapes, runtime) once, the rest from the cache.
 */
export async function profileNodes(graph: Graph, options: ProfileOptions): Promise<LatencyProfile> {
  const shapes = inferShapes(graph);
  const plan = planQuantization(graph, shapes, options.scheme ?? {});
  const units = quantizableUnits(graph, plan);
  const runtime = options.timer.key;
  const cache = options.cache;
  const local = new Map<string, number>();
  const lookup = (k: string) => local.get(k) ?? cache?.get(k);
  const store = (k: string, ms: number) => {
    local.set(k, ms);
    cache?.set(k, ms);
  };
  const opset = graph.model?.opsetImport ?? [{ domain: '', version: 13n }];

  // What to time: each missing key once, with the model that measures it.
  const jobs = new Map<string, () => Promise<Model | undefined>>();
  const cachedBefore = new Set<string>();
  const keysOf = units.map((u) => {
    const nodes = u.absorbed ? [u.node, u.absorbed] : [u.node];
    const dims = inputShapes(graph, shapes, u.node);
    const f = timingKey(runtime, 'float', nodes, dims);
    const q = timingKey(runtime, 'int8', nodes, dims);
    const ins = activationInputs(graph, u.node).map((v) =>
      convertKey(runtime, 'q', concreteShape(shapes, v)),
    );
    const out = convertKey(runtime, 'dq', concreteShape(shapes, nodes[nodes.length - 1].outputs[0]));
    const want = (k: string, make: () => Promise<Model | undefined>) => {
      if (lookup(k) !== undefined) cachedBefore.add(k);
      else if (!jobs.has(k)) jobs.set(k, make);
    };
    want(f, async () => unitModel(graph, shapes, u));
    want(q, async () => {
      const g = unitGraph(graph, shapes, u);
      return g && int8UnitModel(g);
    });
    activationInputs(graph, u.node).forEach((v, i) =>
      want(ins[i], async () => convertShape(shapes, v, opset, 'quantize')),
    );
    want(out, async () => convertShape(shapes, nodes[nodes.length - 1].outputs[0], opset, 'dequantize'));
    return { f, q, ins, out };
  });

  const pending = [...jobs];
  const chunk = Math.max(1, (options.chunk ?? 8) * 2);
  let timed = 0;
  for (let at = 0; at < pending.length; at += chunk) {
    options.signal?.throwIfAborted();
    const part = pending.slice(at, at + chunk);
    const built = await Promise.all(part.map(async ([k, make]) => ({ k, model: await make() })));
    const ready = built.filter((b): b is { k: string; model: Model } => b.model !== undefined);
    // A unit that cannot be built (unknown shape, the quantizer leaves it float) is not timed.
    for (const b of built) if (!b.model) local.set(b.k, Number.NaN);
    if (ready.length) {
      const ms = await options.timer.time(ready.map((b) => encodeModel(b.model)));
      ready.forEach((b, i) => store(b.k, ms[i]));
      timed += ready.length;
    }
    options.onProgress?.(Math.min(pending.length, at + chunk), pending.length);
  }

  const value = (k: string) => {
    const v = lookup(k);
    return v === undefined || Number.isNaN(v) ? undefined : v;
  };
  const nodes: NodeLatency[] = [];
  units.forEach((u, i) => {
    const k = keysOf[i];
    const floatMs = value(k.f);
    if (floatMs === undefined) return;
    const int8Ms = value(k.q);
    nodes.push({
      node: u.node.name,
      opType: u.node.opType,
      ...(u.absorbed ? { absorbed: u.absorbed.name } : {}),
      floatMs,
      ...(int8Ms !== undefined ? { int8Ms } : {}),
      quantizeInMs: k.ins.reduce((s, key) => s + (value(key) ?? 0), 0),
      dequantizeOutMs: value(k.out) ?? 0,
      cached: cachedBefore.has(k.f) && cachedBefore.has(k.q),
    });
  });
  return { runtime, nodes, timedModels: timed };
}

/** Activation inputs of a node: not initializers, directly or through Identity nodes. */
export function activationInputs(graph: Graph, node: GraphNode): string[] {
  return node.inputs.filter((v) => v !== '' && initializerBehind(graph, v) === undefined);
}

function inputShapes(graph: Graph, shapes: ShapeInference, node: GraphNode): (number[] | undefined)[] {
  return node.inputs.map((v) => {
    const t = graph.initializers.get(initializerBehind(graph, v) ?? '');
    return t ? t.dims.map(Number) : concreteShape(shapes, v);
  });
}

const convertKey = (runtime: string, kind: 'q' | 'dq', shape: number[] | undefined) =>
  `${runtime}|${kind}|${shape ? shape.join('x') : '?'}`;

function convertShape(
  shapes: ShapeInference,
  value: string,
  opset: Model['opsetImport'],
  which: 'quantize' | 'dequantize',
): Model | undefined {
  const shape = concreteShape(shapes, value);
  return shape && convertModels(shape, opset)[which];
}

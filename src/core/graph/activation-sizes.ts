/**
 * Activation sizes at batch 1: how many elements each tensor holds per sample, and the most that are
 * alive at once when the nodes run in order — what a memory budget needs to size batches and passes.
 */
import type { Graph } from './graph';
import { inferShapes, type ShapeInference } from './infer/infer-shapes';

export interface ActivationSizes {
  /** Elements per sample of a tensor (batch bound to 1); undefined when a dim is unknown. */
  elements(name: string): number | undefined;
  /** Largest sum of per-sample elements alive at once while the nodes run in topological order. */
  readonly peakLive: number;
}

/** Per-sample sizes of `graph`'s tensors; unknown sizes count as `fallback` elements. */
export function activationSizes(
  graph: Graph,
  shapes: ShapeInference = inferShapes(graph),
  fallback = 0,
): ActivationSizes {
  const bindings: Record<string, number> = {};
  for (const vi of graph.inputs) {
    const d = shapes.types.get(vi.name)?.shape?.[0];
    if (typeof d === 'string') bindings[d] = 1;
  }
  const cache = new Map<string, number | undefined>();
  const elements = (name: string): number | undefined => {
    if (cache.has(name)) return cache.get(name);
    const s = shapes.types.get(name)?.shape;
    let n: number | undefined = s ? 1 : undefined;
    for (const d of s ?? []) {
      const v = shapes.symbols.evaluate(d, bindings);
      if (v === undefined) {
        n = undefined;
        break;
      }
      n! *= v;
    }
    cache.set(name, n);
    return n;
  };
  // Live set while running in order: a tensor lives from its producer to its last reader.
  const remaining = new Map<string, number>();
  let live = 0;
  let peakLive = 0;
  for (const node of graph.nodes()) {
    for (const out of node.outputs) {
      if (!out) continue;
      const readers = graph.consumers(out).length + (graph.isGraphOutput(out) ? 1 : 0);
      remaining.set(out, readers);
      live += elements(out) ?? fallback;
    }
    peakLive = Math.max(peakLive, live);
    for (const inp of new Set(node.inputs)) {
      const left = remaining.get(inp);
      if (left === undefined) continue;
      if (left <= 1) {
        remaining.delete(inp);
        live -= elements(inp) ?? fallback;
      } else remaining.set(inp, left - 1);
    }
  }
  return { elements: (name) => elements(name) ?? (fallback || undefined), peakLive };
}

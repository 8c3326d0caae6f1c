import type { Graph } from '../graph';
import type { ValueMeta } from './types';

/**
 * The graph's first input as the runtime describes inputs (what datasets are fed into), or undefined
 * for a model without inputs. A dim with neither value nor name becomes the symbol `?`.
 */
export function modelInput(graph: Graph): ValueMeta | undefined {
  const input = graph.inputs[0];
  if (!input) return undefined;
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  return {
    name: input.name,
    type: 'float32',
    shape: dims.map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : d.dimParam || '?')),
  };
}

/** The graph's outputs as the runtime describes them (element type left open), for guessing the task. */
export function modelOutputs(graph: Graph): ValueMeta[] {
  return graph.outputs.map((o) => ({
    name: o.name,
    type: 'unknown',
    shape: (o.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined ? Number(d.dimValue) : d.dimParam || '?',
    ),
  }));
}

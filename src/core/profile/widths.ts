/**
 * Channel counts the kernels like: for each pruned group, its Convs are timed at a few widths at and
 * below the planned kept count (multiples of 8, 16 and 32 within 20 % of it), and the group keeps the
 * width with the best measured latency per channel kept. Only narrower widths are tried, so the
 * pruning target still holds.
 */
import { inferShapes, type Graph } from '../graph';
import { encodeModel } from '../onnx';
import { timingKey, type ProfileCache } from './cache';
import type { LatencyTimer } from './types';
import { concreteShape, unitModel, type UnitWidth } from './unit-model';

/** The part of a planned group the search reads. */
export interface WidthGroup {
  readonly id: string;
  readonly channels: number;
  readonly keep: number;
  readonly members: readonly { kind: string; opType: string; node: string; axis: number }[];
}

export interface GroupWidth {
  readonly group: string;
  readonly planned: number;
  readonly chosen: number;
  /** Summed milliseconds of the timed Convs at each width tried. */
  readonly ms: Readonly<Record<number, number>>;
  readonly reason: string;
}

/** Leave the planned width only for a clear gain per channel (timings on a busy machine wobble). */
const MIN_GAIN = 0.03;
/** Convs timed per group: the first producers and readers; ResNet stages couple a dozen. */
const NODES_PER_GROUP = 4;

/** Widths to try for a group keeping `keep` channels. */
export function candidateWidths(keep: number): number[] {
  const out = new Set([keep]);
  for (const m of [8, 16, 32]) {
    const w = Math.floor(keep / m) * m;
    if (w >= 1 && w >= Math.ceil(0.8 * keep)) out.add(w);
  }
  return [...out].sort((a, b) => b - a);
}

/** Measures each group's Convs at its candidate widths and picks the best latency per channel kept. */
export async function chooseWidths(
  graph: Graph,
  groups: readonly WidthGroup[],
  timer: LatencyTimer,
  cache?: ProfileCache,
): Promise<GroupWidth[]> {
  const shapes = inferShapes(graph);
  const byName = new Map(graph.nodes().map((n) => [n.name, n]));
  const out: GroupWidth[] = [];
  for (const g of groups) {
    const widths = candidateWidths(g.keep);
    if (widths.length < 2) continue;
    const probes = new Map<string, { node: string; side: 'out' | 'in' }>();
    for (const m of g.members) {
      if (m.kind !== 'parameter' || m.opType !== 'Conv' || probes.size >= NODES_PER_GROUP) continue;
      if (!probes.has(m.node)) probes.set(m.node, { node: m.node, side: m.axis === 0 ? 'out' : 'in' });
    }
    const total: Record<number, number> = {};
    let ok = probes.size > 0;
    for (const w of widths) total[w] = 0;
    for (const { node, side } of probes.values()) {
      const n = byName.get(node);
      if (!n) continue;
      const models: { w: number; key: string; bytes?: Uint8Array }[] = [];
      for (const w of widths) {
        const width: UnitWidth = side === 'out' ? { out: w } : { in: w };
        const key = timingKey(
          timer.key,
          `width-${side}-${w}`,
          [n],
          n.inputs.map((v) => concreteShape(shapes, v) ?? graph.initializers.get(v)?.dims.map(Number)),
        );
        if (cache?.get(key) !== undefined) models.push({ w, key });
        else {
          const m = unitModel(graph, shapes, { node: n }, width);
          if (!m) {
            ok = false;
            break;
          }
          models.push({ w, key, bytes: encodeModel(m) });
        }
      }
      if (!ok) break;
      const todo = models.filter((m) => m.bytes);
      const ms = todo.length ? await timer.time(todo.map((m) => m.bytes!)) : [];
      todo.forEach((m, i) => cache?.set(m.key, ms[i]));
      for (const m of models) total[m.w] += todo.includes(m) ? ms[todo.indexOf(m)] : cache!.get(m.key)!;
    }
    if (!ok) continue;
    const perChannel = (w: number) => total[w] / w;
    let chosen = g.keep;
    for (const w of widths) if (perChannel(w) < perChannel(chosen) * (1 - MIN_GAIN)) chosen = w;
    const fmt = (w: number) => `${w}: ${(perChannel(w) * 1000).toFixed(1)} µs/channel`;
    out.push({
      group: g.id,
      planned: g.keep,
      chosen,
      ms: total,
      reason:
        chosen === g.keep
          ? `kept ${g.keep}: no narrower width is clearly faster per channel (${widths.map(fmt).join(', ')})`
          : `kept ${chosen} instead of ${g.keep}: best measured latency per channel (${widths.map(fmt).join(', ')})`,
    });
  }
  return out;
}

/**
 * Channel counts the kernels like: for each pruned group, its Convs are timed at a few widths near the
 * planned kept count (multiples of 8, 16 and 32 within 20 % of it), and the group keeps the width with
 * the best measured latency per channel kept. A planner with fixed per-group counts (a plain ratio) is
 * offered narrower widths only; one that searches for a target (MACs or a latency goal) is offered
 * wider ones too and re-plans to the target with each changed group's multiple as its round-to.
 */
import { importModel, inferShapes, type Graph } from '../graph';
import { encodeModel } from '../onnx';
import { timingKey, type ProfileCache } from './cache';
import type { LatencyTimer } from './types';
import { int8UnitModel } from './int8-unit';
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
  /**
   * When the chosen width is not the planned one: the finest multiple (8, 16 or 32) one of whose
   * widths is as fast per channel as the chosen one, within the timing margin — the round-to a
   * planner that re-balances its target gives the group.
   */
  readonly quantum?: number;
}

/** Leave the planned width only for a clear gain per channel (timings on a busy machine wobble). */
const MIN_GAIN = 0.03;
/** Convs timed per group: the first producers and readers; ResNet stages couple a dozen. */
const NODES_PER_GROUP = 4;

/**
 * Widths to try for a group keeping `keep` channels: multiples of 8, 16 and 32 within 20 % below it,
 * and, when `above` gives the group's channel count, within 20 % above it too (short of the whole
 * group), for a planner that keeps its target by pruning elsewhere.
 */
export function candidateWidths(keep: number, above?: number): number[] {
  const out = new Set([keep]);
  for (const m of [8, 16, 32]) {
    const w = Math.floor(keep / m) * m;
    if (w >= 1 && w >= Math.ceil(0.8 * keep)) out.add(w);
    const up = Math.ceil(keep / m) * m;
    if (above !== undefined && up < above && up <= Math.floor(1.2 * keep)) out.add(up);
  }
  return [...out].sort((a, b) => b - a);
}

/**
 * Measures each group's Convs at its candidate widths (in their INT8 form with `int8`) and picks the
 * best latency per channel kept; `wider` offers widths above the planned count too.
 */
export async function chooseWidths(
  graph: Graph,
  groups: readonly WidthGroup[],
  timer: LatencyTimer,
  cache?: ProfileCache,
  options: { wider?: boolean; int8?: boolean } = {},
): Promise<GroupWidth[]> {
  const shapes = inferShapes(graph);
  const byName = new Map(graph.nodes().map((n) => [n.name, n]));
  const out: GroupWidth[] = [];
  for (const g of groups) {
    const widths = candidateWidths(g.keep, options.wider ? g.channels : undefined);
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
          `width-${side}-${w}${options.int8 ? '-int8' : ''}`,
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
          // An INT8 model's Convs run as integer kernels, whose liked widths are their own.
          const int8 = options.int8 ? await int8UnitModel(importModel(m)) : undefined;
          models.push({ w, key, bytes: encodeModel(int8 ?? m) });
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
    // The finest quantum keeps a re-balanced target closest to its planned figure; a chosen width
    // other than the planned one is a multiple of 8, so one is always found.
    const quantum = () =>
      [8, 16, 32].find((m) =>
        widths.some((w) => w % m === 0 && perChannel(w) <= perChannel(chosen) * (1 + MIN_GAIN)),
      );
    out.push({
      group: g.id,
      planned: g.keep,
      chosen,
      ms: total,
      ...(chosen !== g.keep ? { quantum: quantum() } : {}),
      reason:
        chosen === g.keep
          ? `kept ${g.keep}: no other width is clearly faster per channel (${widths.map(fmt).join(', ')})`
          : `kept ${chosen} instead of ${g.keep}: best measured latency per channel (${widths.map(fmt).join(', ')})`,
    });
  }
  return out;
}

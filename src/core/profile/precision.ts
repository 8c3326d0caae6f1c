/**
 * Precision per node from the measured profile. The cost of an assignment is what the profiled nodes
 * take: each node's float or INT8 time, plus a QuantizeLinear where a float producer feeds an INT8
 * node and a DequantizeLinear where an INT8 node feeds anything float. A local search flips single
 * nodes while the total falls, from all-INT8 and from all-float, and keeps the better end point (a
 * chain that only pays as a whole is found from one side or the other).
 */
import { inferShapes, type Graph } from '../graph';
import { planQuantization, type PlanOptions } from '../quant';
import { unitLinks, type UnitLinks } from './edges';
import type { LatencyProfile, NodeLatency, NodePrecision, PrecisionChoice, PrecisionMode } from './types';

/** `auto` keeps INT8 (the smaller file) unless float is faster by more than this share. */
export const AUTO_MARGIN = 0.05;

const ms = (v: number) => `${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`;

/**
 * Chooses INT8 or float for every quantizable node of `graph` (prepared for quantization) from
 * `profile` under `mode`; see {@link PrecisionMode}. Deterministic for a given profile.
 */
export function choosePrecision(
  graph: Graph,
  profile: LatencyProfile,
  mode: PrecisionMode,
  scheme: Pick<PlanOptions, 'activations' | 'perChannel'> = {},
): PrecisionChoice {
  const plan = planQuantization(graph, inferShapes(graph), scheme);
  const links = unitLinks(graph, plan);
  const timed = new Map(profile.nodes.map((n) => [n.node, n]));
  const names = [...links.keys()];
  const bias = mode === 'auto' ? 1 - AUTO_MARGIN : 1;
  const canInt8 = (n: string) => timed.get(n)?.int8Ms !== undefined;

  const int8Cost = (n: string, int8: ReadonlySet<string>): { kernel: number; borders: number } => {
    const t = timed.get(n)!;
    const l = links.get(n)!;
    const inputs = Math.max(1, l.from.length);
    let borders = 0;
    for (const p of l.from) if (p === undefined || !int8.has(p)) borders += t.quantizeInMs / inputs;
    if (l.border || l.to.some((c) => !int8.has(c))) borders += t.dequantizeOutMs;
    return { kernel: t.int8Ms!, borders };
  };
  const total = (int8: ReadonlySet<string>) => {
    let sum = 0;
    for (const n of names) {
      const t = timed.get(n);
      if (!t) continue;
      if (int8.has(n)) {
        const c = int8Cost(n, int8);
        sum += (c.kernel + c.borders) * bias;
      } else sum += t.floatMs;
    }
    return sum;
  };
  const search = (start: Set<string>): Set<string> => {
    const cur = new Set(start);
    let best = total(cur);
    for (let sweep = 0, changed = true; changed && sweep < 100; sweep++) {
      changed = false;
      for (const n of names) {
        if (!canInt8(n)) continue;
        if (cur.has(n)) cur.delete(n);
        else cur.add(n);
        const c = total(cur);
        if (c < best - 1e-9) {
          best = c;
          changed = true;
        } else if (cur.has(n)) cur.delete(n);
        else cur.add(n);
      }
    }
    return cur;
  };

  const all = new Set(names.filter(canInt8));
  let int8: Set<string>;
  if (mode === 'size') int8 = all;
  else {
    const a = search(all);
    const b = search(new Set());
    int8 = total(b) < total(a) - 1e-9 ? b : a;
  }
  // Untimed nodes (unknown shapes) stay as the quantizer plans them: INT8.
  const nodes: NodePrecision[] = names.map((n) => {
    const t = timed.get(n);
    const opType = graph.nodes().find((x) => x.name === n)?.opType ?? '';
    if (!t)
      return {
        node: n,
        opType,
        precision: 'int8',
        reason: 'INT8: not timed (its shapes are not known), left as the quantizer plans it',
      };
    if (t.int8Ms === undefined)
      return { node: n, opType, precision: 'float', reason: 'float: no INT8 form here', floatMs: t.floatMs };
    const c = int8Cost(n, int8);
    const figures = `INT8 ${ms(c.kernel)}${c.borders > 0 ? ` + ${ms(c.borders)} converting` : ''} vs float ${ms(t.floatMs)}`;
    const common = { node: n, opType, floatMs: t.floatMs, int8Ms: t.int8Ms };
    if (mode === 'size')
      return { ...common, precision: 'int8', reason: `INT8: smallest file asked (${figures})` };
    if (int8.has(n)) {
      const cost = c.kernel + c.borders;
      const note =
        cost <= t.floatMs
          ? ''
          : mode === 'auto' && cost * bias <= t.floatMs
            ? ' (within the 5 % kept for the smaller file)'
            : ' (pays with its INT8 neighbours: float here would add borders)';
      return { ...common, precision: 'int8', reason: `INT8: ${figures}${note}` };
    }
    return { ...common, precision: 'float', reason: reasonFloat(t, c, figures) };
  });
  const exclude = nodes.filter((n) => n.precision === 'float' && canInt8(n.node)).map((n) => n.node);
  const plain = (s: ReadonlySet<string>) => {
    let sum = 0;
    for (const n of names) {
      const t = timed.get(n);
      if (!t) continue;
      if (s.has(n)) {
        const c = int8Cost(n, s);
        sum += c.kernel + c.borders;
      } else sum += t.floatMs;
    }
    return sum;
  };
  return {
    mode,
    runtime: profile.runtime,
    nodes,
    exclude,
    predictedMs: { float: plain(new Set()), int8: plain(all), chosen: plain(int8) },
  };
}

function reasonFloat(t: NodeLatency, c: { kernel: number; borders: number }, figures: string): string {
  if (c.kernel >= t.floatMs) return `float: the integer kernel is slower here (${figures})`;
  return `float: converting to and from its float neighbours costs more than INT8 saves (${figures})`;
}

export type { UnitLinks };

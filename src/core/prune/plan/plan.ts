/**
 * `planPruning`: from groups, scores and a recipe to a plan — which channels of which group go —
 * with the predicted cost after removal. Nothing is applied here.
 */
import type { ChannelAnalysis, ChannelGroup } from '../../analysis';
import {
  compactShape,
  inferShapes,
  InputSizeError,
  symbolicInputs,
  type Graph,
  type ShapeInference,
} from '../../graph';
import type { CriterionName, GroupScores, PlannedGroup, PrunePlan, PruneRecipe } from '../types';
import { channelBlocks, classifierGroups, firstConvGroups } from './eligibility';
import { CostEstimator } from './estimate';
import { latencyFill } from './latency-fill';
import { feasibleCount, quantumOf, selectChannels, type GroupRule } from './select';
import { sensitivityRatio } from './sensitivity-ratio';

interface Candidate {
  group: ChannelGroup;
  rule: GroupRule;
  scores: readonly number[];
  /** Fixed ratio from the recipe's overrides. */
  override?: number;
}

/**
 * Plans which channels to prune.
 *
 * - `ratio` alone: each eligible group loses ⌊ratio·channels⌋ (uniform).
 * - `ratio` + `global`: one threshold τ on the normalised scores of all groups; a group loses its
 *   channels scoring below τ, at most `maxGroupRatio` of it; τ is set so the total reaches `ratio`.
 * - `macsTarget`: the uniform ratio, the global τ, or (with `sensitivity`) the tolerated metric drop
 *   is found by bisection so the estimated MACs after removal fall by the target fraction.
 *
 * Every group keeps at least one channel (and a multiple of `roundTo`, and as many per conv group
 * of a grouped convolution); blocked groups and, unless asked, the first convolution's and the
 * classifier's groups are never pruned.
 */
export function planPruning(
  graph: Graph,
  analysis: ChannelAnalysis,
  scores: GroupScores,
  recipe: PruneRecipe,
  criterion: CriterionName | 'given' = 'given',
  shapes: ShapeInference = inferShapes(graph),
): PrunePlan {
  if ([recipe.ratio, recipe.macsTarget, recipe.latency].filter((v) => v !== undefined).length !== 1)
    throw new Error('A prune recipe needs exactly one of ratio, macsTarget and latency.');
  const target = recipe.ratio ?? recipe.macsTarget ?? 0;
  if (!(target >= 0 && target < 1)) throw new Error(`The pruning target must be in [0, 1), not ${target}.`);
  const maxRatio = recipe.maxGroupRatio ?? 0.9;
  const first = recipe.includeFirst ? new Set<string>() : firstConvGroups(graph, analysis.groups);
  const classifier = recipe.includeClassifier ? new Set<string>() : classifierGroups(graph, analysis.groups);
  const estimator = new CostEstimator(graph, analysis.groups, shapes, recipe.inputShapes);
  const beforeMacs = estimator.before.macs;
  if (recipe.macsTarget !== undefined && beforeMacs === null) throw unknownMacs(graph, shapes);

  const planned = new Map<string, PlannedGroup>();
  const candidates: Candidate[] = [];
  for (const g of analysis.groups) {
    const entry: PlannedGroup = {
      id: g.id,
      channels: g.channels,
      prune: [],
      keep: g.channels,
      status: 'unchanged',
      members: g.members,
      constraints: g.constraints,
    };
    planned.set(g.id, entry);
    const blocks = channelBlocks(g);
    const override = recipe.overrides?.[g.id];
    if (!g.prunable) {
      entry.status = 'blocked';
      entry.reason = g.reasons.map((r) => r.message).join(' ');
    } else if (typeof blocks === 'string') {
      entry.status = 'excluded';
      entry.reason = blocks;
    } else if (override === undefined && (first.has(g.id) || classifier.has(g.id))) {
      entry.status = 'excluded';
      entry.reason = first.has(g.id)
        ? 'The first convolution is kept unless asked (includeFirst).'
        : 'The classifier’s input features are kept unless asked (includeClassifier).';
    } else {
      const rule: GroupRule = {
        channels: g.channels,
        blocks,
        quantum: quantumOf(
          Math.max(1, recipe.roundToGroups?.[g.id] ?? recipe.roundTo ?? 1),
          blocks?.blocks ?? 1,
        ),
        already: recipe.alreadyPruned?.[g.id] ?? [],
      };
      candidates.push({ group: g, rule, scores: scores[g.id] ?? new Array(g.channels).fill(0), override });
    }
  }

  const mode: PrunePlan['mode'] = recipe.sensitivity ? 'sensitivity' : recipe.global ? 'global' : 'uniform';
  const counts = (p: number): Map<string, number> => {
    const out = new Map<string, number>();
    for (const c of candidates) {
      const n = c.group.channels;
      let wanted: number;
      if (c.override !== undefined) wanted = Math.floor(c.override * n + 1e-9);
      else if (mode === 'uniform') wanted = Math.floor(p * n + 1e-9);
      else if (mode === 'global')
        wanted = Math.min(Math.floor(maxRatio * n + 1e-9), c.scores.filter((s) => s < p).length);
      else
        wanted = Math.floor(
          Math.min(maxRatio, sensitivityRatio(recipe.sensitivity!, c.group.id, p)) * n + 1e-9,
        );
      out.set(c.group.id, feasibleCount(c.rule, wanted));
    }
    return out;
  };
  const selection = (p: number): Map<string, number[]> => {
    const n = counts(p);
    return new Map(candidates.map((c) => [c.group.id, selectChannels(c.rule, c.scores, n.get(c.group.id)!)]));
  };

  let note: string | undefined;
  let chosen: Map<string, number[]>;
  let latency: PrunePlan['latency'];
  const total = candidates.reduce((s, c) => s + c.group.channels, 0);
  const byLatency = candidates.map((c) => ({
    id: c.group.id,
    channels: c.group.channels,
    rule: c.rule,
    scores: c.scores,
    ...(c.override !== undefined ? { fixed: Math.floor(c.override * c.group.channels + 1e-9) } : {}),
  }));
  if (recipe.latency) {
    const goal = recipe.latency;
    const fill = latencyFill(byLatency, estimator, goal, maxRatio);
    chosen = fill.chosen;
    const before = goal.fixedMs + Object.values(goal.nodeMs).reduce((a, b) => a + b, 0);
    latency = { before, after: fill.latency, goal: goal.goalMs };
    if (!fill.reached)
      note = `The latency goal (${goal.goalMs.toFixed(2)} ms) is out of reach under these rules; this plan reaches an estimated ${fill.latency.toFixed(2)} ms.`;
  } else if (recipe.macsTarget !== undefined && recipe.msPerNode) {
    const goal = (1 - recipe.macsTarget) * beforeMacs!;
    const weights = { goalMs: 0, nodeMs: recipe.msPerNode, fixedMs: 0 };
    const fill = latencyFill(
      byLatency,
      estimator,
      weights,
      maxRatio,
      (_, sel) => estimator.estimate(sel).macs! <= goal + 1e-6,
    );
    chosen = fill.chosen;
    if (!fill.reached)
      note = `The MAC target (−${pct(recipe.macsTarget)}) is out of reach where the measured milliseconds are; this plan goes as far as they allow.`;
  } else if (recipe.macsTarget !== undefined) {
    const goal = (1 - recipe.macsTarget) * beforeMacs!;
    const reached = (p: number) => estimator.estimate(selection(p)).macs! <= goal + 1e-6;
    const hi = upperBound(mode, candidates, recipe, maxRatio);
    if (!reached(hi)) {
      note = `The MAC target (−${pct(recipe.macsTarget)}) is out of reach under these rules; this plan goes as far as they allow.`;
      chosen = selection(hi);
    } else {
      const p = bisect(0, hi, reached);
      // Per-group counts jump in steps, so the smallest p reaching the target can overshoot it by a
      // whole step of every group: start just below and add channels one quantum at a time instead.
      chosen =
        mode === 'global'
          ? selection(p)
          : (fill(candidates, counts(p * (1 - 1e-6)), estimator, goal, maxRatio) ?? selection(p));
    }
  } else if (mode === 'uniform') chosen = selection(target);
  else {
    const wanted = Math.floor(target * total + 1e-9);
    const pruned = (p: number) => [...counts(p).values()].reduce((a, b) => a + b, 0) >= wanted;
    const hi = upperBound(mode, candidates, recipe, maxRatio);
    chosen = selection(pruned(hi) ? bisect(0, hi, pruned) : hi);
    if (!pruned(hi)) note = `Only part of the ratio ${pct(target)} can be pruned under these rules.`;
  }

  let prunedChannels = 0;
  for (const [id, list] of chosen) {
    const entry = planned.get(id)!;
    entry.prune = list;
    entry.keep = entry.channels - list.length;
    if (list.length) entry.status = 'pruned';
    prunedChannels += list.length;
  }
  const groups = [...planned.values()].map((g) => (g.prune.length ? g : { ...g, members: [] }));
  const { sensitivity: _s, alreadyPruned: _a, ...rest } = recipe;
  void _s;
  void _a;
  return {
    criterion,
    mode,
    recipe: rest,
    groups,
    before: estimator.before,
    after: estimator.estimate(chosen),
    ...(latency ? { latency } : {}),
    prunedChannels,
    prunableChannels: total,
    ...(note ? { note } : {}),
  };
}

/**
 * From `start` counts, repeatedly prunes one more quantum from the group where it costs the least
 * importance per MAC saved (the greedy knapsack rule), until the estimated MACs reach `goal`;
 * undefined if they never do.
 */
function fill(
  candidates: Candidate[],
  start: Map<string, number>,
  estimator: CostEstimator,
  goal: number,
  maxRatio: number,
): Map<string, number[]> | undefined {
  const counts = new Map(start);
  const pick = (id?: string, n?: number) =>
    new Map(
      candidates.map((c) => [
        c.group.id,
        selectChannels(c.rule, c.scores, c.group.id === id ? n! : counts.get(c.group.id)!),
      ]),
    );
  const sorted = new Map(candidates.map((c) => [c.group.id, [...c.scores].sort((a, b) => a - b)]));
  for (let guard = 0; guard < 100000; guard++) {
    const current = pick();
    const macs = estimator.estimate(current).macs!;
    if (macs <= goal + 1e-6) return current;
    let best: Candidate | undefined;
    let bestCost = Infinity;
    let bestCount = 0;
    for (const c of candidates) {
      if (c.override !== undefined) continue;
      const n = counts.get(c.group.id)!;
      const next = feasibleCount(c.rule, n + c.rule.quantum);
      if (next <= n || next > Math.floor(maxRatio * c.group.channels + 1e-9)) continue;
      const saved = macs - estimator.estimate(pick(c.group.id, next)).macs!;
      if (saved <= 0) continue;
      let score = 0;
      for (let i = n; i < next; i++) score += Math.max(0, sorted.get(c.group.id)![i]);
      const cost = score / saved;
      if (cost < bestCost) {
        best = c;
        bestCost = cost;
        bestCount = next;
      }
    }
    if (!best) return undefined;
    counts.set(best.group.id, bestCount);
  }
  return undefined;
}

/** The parameter value at which every candidate prunes as much as it may. */
function upperBound(
  mode: PrunePlan['mode'],
  candidates: Candidate[],
  recipe: PruneRecipe,
  maxRatio: number,
): number {
  if (mode === 'uniform') return maxRatio;
  if (mode === 'global') return Math.max(0, ...candidates.flatMap((c) => c.scores)) * (1 + 1e-9) + 1e-12;
  return Math.max(0, ...recipe.sensitivity!.groups.flatMap((g) => g.drops)) + 1;
}

/** Smallest p in [lo, hi] with `ok(p)` (monotone), to 1e-7 relative. */
function bisect(lo: number, hi: number, ok: (p: number) => boolean): number {
  if (ok(lo)) return lo;
  for (let i = 0; i < 60 && hi - lo > 1e-9 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/** A MAC target on a model whose MACs wait for an input size nobody gave. */
function unknownMacs(graph: Graph, shapes: ShapeInference): InputSizeError {
  const which = symbolicInputs(graph, shapes)
    .map((i) => `'${i.name}' ${compactShape(i.shape)}`)
    .join(', ');
  return new InputSizeError(
    `A MAC target needs the model's MACs, which depend on the size of input ${which || 'sizes it leaves symbolic'}: give the input size first.`,
  );
}

/** A plan from explicit channel lists (tests, the UI's hand edits): same shape, no scoring. */
export function planFromSelection(
  graph: Graph,
  analysis: ChannelAnalysis,
  prune: Readonly<Record<string, readonly number[]>>,
  shapes: ShapeInference = inferShapes(graph),
): PrunePlan {
  const estimator = new CostEstimator(graph, analysis.groups, shapes);
  const chosen = new Map<string, number[]>();
  const groups: PlannedGroup[] = analysis.groups.map((g) => {
    const list = [...(prune[g.id] ?? [])].sort((a, b) => a - b);
    if (list.length && !g.prunable) throw new Error(`Group ${g.id} is blocked and cannot be pruned.`);
    if (list.length >= g.channels) throw new Error(`Group ${g.id} would lose every channel.`);
    chosen.set(g.id, list);
    return {
      id: g.id,
      channels: g.channels,
      prune: list,
      keep: g.channels - list.length,
      status: list.length ? 'pruned' : g.prunable ? 'unchanged' : 'blocked',
      members: list.length ? g.members : [],
      constraints: g.constraints,
    };
  });
  return {
    criterion: 'given',
    mode: 'uniform',
    recipe: {},
    groups,
    before: estimator.before,
    after: estimator.estimate(chosen),
    prunedChannels: groups.reduce((s, g) => s + g.prune.length, 0),
    prunableChannels: analysis.groups.filter((g) => g.prunable).reduce((s, g) => s + g.channels, 0),
  };
}

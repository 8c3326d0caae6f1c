/**
 * How many channels each group loses under the studio's pruning settings, and which ones: the
 * lowest-importance k, k from the ratio. Global ranking compares channels across groups after
 * dividing each group's importance by its mean, so groups with larger weights do not win by scale
 * alone (the normalisation Torch-Pruning applies before global ranking).
 */
import type { CostBasis, ImportanceCriterion, ViewGroup } from './types';
import { estimateCost } from './estimate';

export interface ChannelPlanSettings {
  criterion: ImportanceCriterion;
  /** Share of each group's channels (per-group) or of all prunable channels (global) to remove, 0–1. */
  ratio: number;
  ranking: 'global' | 'per-group';
  /** Kept channels are rounded up to a multiple of this (1: no rounding). */
  roundTo: number;
  /** Per-group ratios that replace the global one for that group. */
  overrides: Readonly<Record<string, number>>;
}

export interface ChannelPlan {
  /** Channels removed from each group, by group index. */
  removed: Int32Array;
  /** Channels of each group, by group index (what the estimator divides by). */
  channels: Int32Array;
  removedTotal: number;
  prunableTotal: number;
}

/** The most a group may lose: pruning must leave something. */
export const MAX_RATIO = 0.95;

/** Per-group removal counts for `settings`. */
export function planChannels(groups: readonly ViewGroup[], settings: ChannelPlanSettings): ChannelPlan {
  const removed = new Int32Array(groups.length);
  const channels = new Int32Array(groups.length);
  let prunableTotal = 0;
  for (const g of groups) {
    channels[g.index] = g.channels;
    if (g.prunable) prunableTotal += g.channels;
  }
  const ratio = clampRatio(settings.ratio);
  if (settings.ranking === 'global') {
    const pool = globalOrder(groups, settings.criterion).filter(
      (c) => !(groups[c.group].id in settings.overrides),
    );
    const take = Math.floor(ratio * pool.length);
    for (let k = 0, taken = 0; k < pool.length && taken < take; k++) {
      const g = pool[k].group;
      if (removed[g] >= Math.floor(groups[g].channels * MAX_RATIO)) continue;
      removed[g]++;
      taken++;
    }
  }
  let removedTotal = 0;
  for (const g of groups) {
    if (!g.prunable) continue;
    const override = settings.overrides[g.id];
    const want =
      override !== undefined
        ? Math.round(clampRatio(override) * g.channels)
        : settings.ranking === 'per-group'
          ? Math.round(ratio * g.channels)
          : removed[g.index];
    removed[g.index] = fitConstraints(g, want, settings.roundTo);
    removedTotal += removed[g.index];
  }
  return { removed, channels, removedTotal, prunableTotal };
}

/** Rounds kept channels up to `roundTo`, keeps grouped convolutions' blocks even, leaves at least one. */
function fitConstraints(group: ViewGroup, want: number, roundTo: number): number {
  const c = group.channels;
  let kept = Math.max(1, c - Math.max(0, want));
  const step = Math.max(1, Math.floor(roundTo));
  if (step > 1) kept = Math.min(c, Math.ceil(kept / step) * step);
  let removed = c - kept;
  for (const constraint of group.constraints) {
    if (constraint.kind === 'uniform-per-block' && constraint.blocks > 1)
      removed -= removed % constraint.blocks;
  }
  return Math.max(0, Math.min(c - 1, removed));
}

const clampRatio = (r: number) => (Number.isFinite(r) ? Math.min(MAX_RATIO, Math.max(0, r)) : 0);

const orderCache = new WeakMap<
  readonly ViewGroup[],
  Map<ImportanceCriterion, { group: number; score: number }[]>
>();

/** Channels of all prunable groups, least important first, by mean-normalised importance. */
function globalOrder(
  groups: readonly ViewGroup[],
  criterion: ImportanceCriterion,
): { group: number; score: number }[] {
  let byCriterion = orderCache.get(groups);
  if (!byCriterion) orderCache.set(groups, (byCriterion = new Map()));
  const cached = byCriterion.get(criterion);
  if (cached) return cached;
  const all: { group: number; score: number }[] = [];
  for (const g of groups) {
    if (!g.prunable) continue;
    const values = g.importance[criterion];
    let mean = 0;
    for (const v of values) mean += v;
    mean = values.length ? mean / values.length : 0;
    for (const v of values) all.push({ group: g.index, score: mean > 0 ? v / mean : 0 });
  }
  all.sort((a, b) => a.score - b.score);
  byCriterion.set(criterion, all);
  return all;
}

/** The `count` least important channels of `group` (ascending channel index). */
export function removedChannels(group: ViewGroup, count: number, criterion: ImportanceCriterion): number[] {
  const values = group.importance[criterion];
  const order = values.map((_, c) => c).sort((a, b) => values[a] - values[b] || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}

/**
 * The smallest ratio whose estimated MACs fall to `targetMacs` or below (bisection on the estimate;
 * MACs fall monotonically as the ratio grows). Returns MAX_RATIO when the target cannot be met.
 */
export function ratioForMacs(
  groups: readonly ViewGroup[],
  basis: CostBasis,
  settings: ChannelPlanSettings,
  targetMacs: number,
): number {
  const macsAt = (ratio: number) => {
    const plan = planChannels(groups, { ...settings, ratio });
    return estimateCost(basis, plan.removed, plan.channels).macs;
  };
  if (macsAt(0) <= targetMacs) return 0;
  let lo = 0;
  let hi = MAX_RATIO;
  for (let i = 0; i < 18; i++) {
    const mid = (lo + hi) / 2;
    if (macsAt(mid) <= targetMacs) hi = mid;
    else lo = mid;
  }
  return hi;
}

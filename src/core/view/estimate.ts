/**
 * The live estimate: parameters, MACs and bytes of the planned model from the per-group count of
 * removed channels, in one pass over the cost basis (no allocation, no worker round trip).
 */
import type { CostAxis, CostBasis, CostTerm } from './types';

export interface CostEstimate {
  parameters: number;
  macs: number;
  bytes: number;
}

/** Kept share of `axis` when group g removes `removed[g]` of its `channels[g]` channels. */
function keptShare(axis: CostAxis, removed: ArrayLike<number>, channels: ArrayLike<number>): number {
  let cut = 0;
  for (let k = 0; k < axis.parts.length; k++) {
    const part = axis.parts[k];
    const c = channels[part.group];
    if (c > 0) cut += (removed[part.group] / c) * part.indices;
  }
  return axis.extent > 0 ? Math.max(0, 1 - cut / axis.extent) : 1;
}

function sum(
  fixed: number,
  terms: readonly CostTerm[],
  removed: ArrayLike<number>,
  channels: ArrayLike<number>,
): number {
  let total = fixed;
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t];
    let share = 1;
    for (let a = 0; a < term.axes.length; a++) share *= keptShare(term.axes[a], removed, channels);
    total += term.base * share;
  }
  return total;
}

/**
 * Estimated costs after removing `removed[g]` channels from each group g (of `channels[g]`).
 * Exact for plain convolutions and fully connected layers; it counts what the cost model counts.
 */
export function estimateCost(
  basis: CostBasis,
  removed: ArrayLike<number>,
  channels: ArrayLike<number>,
): CostEstimate {
  return {
    parameters: Math.round(sum(basis.parameters.fixed, basis.parameters.terms, removed, channels)),
    macs: Math.round(sum(basis.macs.fixed, basis.macs.terms, removed, channels)),
    bytes: Math.round(sum(basis.bytes.fixed, basis.bytes.terms, removed, channels)),
  };
}

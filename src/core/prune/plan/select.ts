/**
 * Choosing a group's channels once the count is known: the lowest-scoring ones, as many from each
 * conv group of a grouped convolution, a kept count that is a multiple of the round-to quantum, and
 * never the whole group.
 */

export interface GroupRule {
  channels: number;
  /** Block index per channel for grouped convolutions. */
  blocks?: { blocks: number; of: Int32Array };
  /** Kept channels must be a multiple of this (round-to × conv groups). */
  quantum: number;
  /** Channels that stay pruned whatever is asked. */
  already: readonly number[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function quantumOf(roundTo: number, blocks: number): number {
  return (roundTo * blocks) / gcd(roundTo, blocks);
}

/** How many channels pruning `wanted` of them really removes under the rule. */
export function feasibleCount(rule: GroupRule, wanted: number): number {
  const q = rule.quantum;
  let keep = Math.max(rule.channels - Math.max(0, Math.floor(wanted)), 1);
  keep = Math.ceil(keep / q) * q;
  keep = Math.min(keep, rule.channels);
  let n = rule.channels - keep;
  if (n < rule.already.length) n = rule.already.length;
  return n;
}

/** The `count` channels to prune: already-pruned ones first, then the lowest scores (per block when blocked). */
export function selectChannels(rule: GroupRule, scores: readonly number[], count: number): number[] {
  if (count <= 0) return [];
  const already = new Set(rule.already);
  const order = [...Array(rule.channels).keys()].sort((a, b) => {
    const pa = already.has(a) ? 0 : 1;
    const pb = already.has(b) ? 0 : 1;
    return pa - pb || scores[a] - scores[b] || a - b;
  });
  if (!rule.blocks) return order.slice(0, count).sort((a, b) => a - b);
  const per = count / rule.blocks.blocks;
  const taken = new Array<number>(rule.blocks.blocks).fill(0);
  const out: number[] = [];
  for (const c of order) {
    const b = rule.blocks.of[c];
    if (taken[b] < per) {
      taken[b]++;
      out.push(c);
    }
  }
  return out.sort((a, b) => a - b);
}

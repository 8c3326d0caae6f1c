/**
 * 95 % confidence intervals for accuracy measured on a subset of a test set: how far the figure on
 * n samples may be from the one all N would give.
 */

/** The normal quantile for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a proportion of `hits` in `n` trials (Wilson, JASA 1927): unlike the Wald
 * interval p ± z·√(p(1−p)/n) it stays inside [0, 1] and keeps its coverage near 0 % and 100 %:
 *   centre = (p + z²/2n) / (1 + z²/n),  half = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²).
 */
export function wilsonInterval(hits: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = hits / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Interval for the drop in accuracy between two models scored on the same n samples, from the
 * discordant pairs alone: `worse` samples the first model got right and the second wrong, `better`
 * the reverse (samples both got right or both wrong do not move the difference). The drop is
 * (worse − better)/n; its interval is Bonett & Price's adjusted Wald interval for paired proportions
 * (Statistics in Medicine 31, 2012), which adds one to each discordant count:
 *   p̃w = (worse+1)/(n+2), p̃b = (better+1)/(n+2), d̃ = p̃w − p̃b,
 *   d̃ ± z·√((p̃w + p̃b − d̃²)/(n+2)).
 * Pairing is what makes it narrow: two independent Wilson intervals would ignore that both models
 * agree on most samples.
 */
export function pairedDropInterval(worse: number, better: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: -1, high: 1 };
  const pw = (worse + 1) / (n + 2);
  const pb = (better + 1) / (n + 2);
  const d = pw - pb;
  const half = z * Math.sqrt((pw + pb - d * d) / (n + 2));
  return { low: Math.max(-1, d - half), high: Math.min(1, d + half) };
}

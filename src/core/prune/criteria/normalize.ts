import type { ScoreNormalization } from '../types';

/**
 * Scales one group's scores so groups of different layers can be ranked together: by their mean
 * (default; Torch-Pruning's group normalisation), their max, or their root mean square.
 */
export function normalizeScores(scores: Float64Array, how: ScoreNormalization): number[] {
  const n = scores.length;
  let denom = 1;
  if (how !== 'none' && n > 0) {
    let sum = 0;
    let max = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      sum += scores[i];
      max = Math.max(max, scores[i]);
      sq += scores[i] * scores[i];
    }
    denom = how === 'mean' ? sum / n : how === 'max' ? max : Math.sqrt(sq / n);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = denom > 0 ? scores[i] / denom : 0;
  return out;
}

/**
 * Which samples a figure came from: n of the set's N, and — when n < N, a subset — how far the top-1
 * accuracy and its drop from a reference model may be from what all N would give (95 % intervals).
 * A figure on the whole set is the set's own; it gets no interval.
 */
import { pairedDropInterval, wilsonInterval, type Interval } from './interval';

export interface PairedDrop {
  /** Reference top-1 minus this model's, as a fraction, on the same samples. */
  readonly value: number;
  /** Samples the reference got right and this model wrong, and the reverse. */
  readonly worse: number;
  readonly better: number;
  /** Paired 95 % interval of `value` (Bonett–Price); only on a subset. */
  readonly interval?: Interval;
}

export interface SampleCoverage {
  /** Samples scored, of the `available` the evaluation set holds. */
  readonly evaluated: number;
  readonly available: number;
  /** Wilson 95 % interval of top-1 accuracy; only on a subset. */
  readonly top1Interval?: Interval;
  /** Against the reference model (the run's original) when both were scored sample by sample. */
  readonly drop?: PairedDrop;
}

/**
 * `hits`: 1 where this model's top-1 was right, per sample; `reference`: the same for the model it is
 * compared with, on the same samples in the same order.
 */
export function sampleCoverage(
  evaluated: number,
  available: number,
  hits?: Uint8Array,
  reference?: Uint8Array,
): SampleCoverage {
  const subset = evaluated < available;
  const coverage: { -readonly [K in keyof SampleCoverage]: SampleCoverage[K] } = { evaluated, available };
  if (!hits) return coverage;
  let right = 0;
  for (let i = 0; i < hits.length; i++) right += hits[i];
  if (subset) coverage.top1Interval = wilsonInterval(right, hits.length);
  if (reference && reference !== hits && reference.length === hits.length) {
    let worse = 0;
    let better = 0;
    for (let i = 0; i < hits.length; i++) {
      if (reference[i] > hits[i]) worse++;
      else if (reference[i] < hits[i]) better++;
    }
    const n = hits.length;
    coverage.drop = {
      value: (worse - better) / Math.max(1, n),
      worse,
      better,
      ...(subset ? { interval: pairedDropInterval(worse, better, n) } : {}),
    };
  }
  return coverage;
}

import { DatasetError } from '../errors';

/** Top-k accuracy of a classifier, as fractions in [0, 1]. */
export interface AccuracyResult {
  readonly top1: number;
  readonly top5: number;
  readonly count: number;
}

/**
 * Counts top-1 and top-5 hits over batches of logits `[n, classes]`. A label's rank is the number of
 * classes scoring strictly higher, plus those scoring equal at a lower index (argmax keeps the first
 * maximum), so no per-row sort or allocation is needed. Samples are numbered in the order they are
 * added; a label outside `[0, classes)` is a DatasetError naming its sample, never a silent hit or miss
 * (reading `logits[row + label]` past the row would score another sample's logit).
 */
export class TopKAccumulator {
  private hits1 = 0;
  private hits5 = 0;
  private seen = 0;
  /** 1 where sample i's top-1 was right: two models scored on the same samples can then be paired. */
  private perSample = new Uint8Array(256);

  /** `dataset` names the data in errors (a file or folder). */
  constructor(private readonly dataset = 'the dataset') {}

  add(logits: Float32Array, classes: number, labels: ArrayLike<number>): void {
    const n = labels.length;
    if (logits.length !== n * classes)
      throw new Error(`logits hold ${logits.length} values, expected ${n} × ${classes}`);
    if (this.seen + n > this.perSample.length) {
      const grown = new Uint8Array(Math.max(2 * this.perSample.length, this.seen + n));
      grown.set(this.perSample);
      this.perSample = grown;
    }
    for (let i = 0; i < n; i++) {
      const row = i * classes;
      const label = labels[i];
      if (!(Number.isInteger(label) && label >= 0 && label < classes))
        this.badLabel(label, this.seen + i, classes);
      const score = logits[row + label];
      let rank = 0;
      for (let k = 0; k < classes; k++) {
        const v = logits[row + k];
        if (v > score || (v === score && k < label)) rank++;
      }
      if (rank < 1) {
        this.hits1++;
        this.perSample[this.seen + i] = 1;
      }
      if (rank < 5) this.hits5++;
    }
    this.seen += n;
  }

  private badLabel(label: number, sample: number, classes: number): never {
    const item = `sample ${sample}`;
    throw new DatasetError(
      item,
      `Label ${label} of ${item} in ${this.dataset} is outside the model's ${classes} classes (0–${classes - 1}).`,
    );
  }

  /** Per sample in the order added: 1 where top-1 was right. */
  top1Hits(): Uint8Array {
    return this.perSample.slice(0, this.seen);
  }

  result(): AccuracyResult {
    const n = Math.max(1, this.seen);
    return { top1: this.hits1 / n, top5: this.hits5 / n, count: this.seen };
  }
}

/** Index of the first maximum of `data[offset .. offset+length)`. */
export function argmax(data: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  let max = data[offset];
  for (let k = 1; k < length; k++) {
    if (data[offset + k] > max) {
      max = data[offset + k];
      best = k;
    }
  }
  return best;
}

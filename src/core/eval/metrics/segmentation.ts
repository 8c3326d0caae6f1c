import { argmax } from './classification';

/** Pixel accuracy and mean intersection-over-union, fractions in [0, 1]. */
export interface SegmentationResult {
  readonly pixelAccuracy: number;
  readonly meanIoU: number;
  /** IoU per class; NaN where the class appears in neither prediction nor label. */
  readonly iou: readonly number[];
  readonly pixels: number;
}

/**
 * Accumulates a confusion matrix over batches of per-pixel scores `[n, classes, H, W]` against label
 * maps `[n, H, W]`. mIoU = mean over classes present in prediction or label of TP / (TP + FP + FN)
 * (Everingham et al., "The PASCAL VOC Challenge", IJCV 2010). Pixels labelled `ignoreIndex` are skipped.
 */
export class SegmentationAccumulator {
  private readonly confusion: Float64Array;
  private readonly scratch: Float32Array;

  constructor(
    private readonly classes: number,
    private readonly ignoreIndex = 255,
  ) {
    this.confusion = new Float64Array(classes * classes);
    this.scratch = new Float32Array(classes);
  }

  add(scores: Float32Array, dims: readonly number[], labels: ArrayLike<number>): void {
    const [n, c, h, w] = dims;
    if (c !== this.classes) throw new Error(`scores have ${c} classes, expected ${this.classes}`);
    const plane = h * w;
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < plane; p++) {
        const label = labels[i * plane + p];
        if (label === this.ignoreIndex || label < 0 || label >= c) continue;
        for (let k = 0; k < c; k++) this.scratch[k] = scores[(i * c + k) * plane + p];
        this.confusion[label * c + argmax(this.scratch, 0, c)]++;
      }
    }
  }

  result(): SegmentationResult {
    const c = this.classes;
    let correct = 0;
    let total = 0;
    const iou: number[] = [];
    for (let k = 0; k < c; k++) {
      let row = 0;
      let col = 0;
      for (let j = 0; j < c; j++) {
        row += this.confusion[k * c + j];
        col += this.confusion[j * c + k];
      }
      const tp = this.confusion[k * c + k];
      correct += tp;
      total += row;
      const union = row + col - tp;
      iou.push(union > 0 ? tp / union : NaN);
    }
    const present = iou.filter((v) => !Number.isNaN(v));
    const meanIoU = present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
    return { pixelAccuracy: total ? correct / total : 0, meanIoU, iou, pixels: total };
  }
}

import {
  SegmentationAccumulator,
  type BatchScorer,
  type Dataset,
  type DatasetBatch,
  type ResolvedPreprocess,
  type TaskScore,
  type TensorData,
} from '../../eval';
import { TaskError } from '../errors';
import { alignMask, resizeScores } from './align';

/**
 * Pixel accuracy, per-class IoU and mIoU over the dataset's masks, from totals over every pixel of every
 * image (one confusion matrix), not a mean of per-image IoUs.
 */
export class SegmentationScorer implements BatchScorer {
  readonly outputs: readonly string[];
  private accumulator?: SegmentationAccumulator;
  private classes = 0;
  private count = 0;

  constructor(
    private readonly output: string,
    private readonly ignoreIndex: number,
    private readonly dataset: Dataset,
  ) {
    if (dataset.targets?.kind !== 'masks')
      throw new TaskError(`${dataset.name} has no masks to score segmentation against.`);
    this.outputs = [output];
  }

  async add(
    outputs: Readonly<Record<string, TensorData>>,
    batch: DatasetBatch,
    pre: ResolvedPreprocess,
  ): Promise<void> {
    const t = outputs[this.output];
    if (t.dims.length !== 4)
      throw new TaskError(
        `Segmentation output '${this.output}' has shape [${t.dims.join(', ')}]; expected [N, classes, H, W].`,
      );
    const [n, c, h, w] = t.dims;
    this.classes = c;
    this.accumulator ??= new SegmentationAccumulator(c, this.ignoreIndex);
    const { height: H, width: W } = pre;
    const targets = this.dataset.targets;
    if (targets?.kind !== 'masks') return;
    const masks = await targets.read(batch.start, n);
    const labels = new Int32Array(H * W);
    const scores = new Float32Array(c * H * W);
    for (let i = 0; i < n; i++) {
      alignMask(masks[i], pre, labels);
      this.checkLabels(labels, c, batch.start + i);
      resizeScores(t.data as Float32Array, i * c * h * w, c, h, w, H, W, scores);
      this.accumulator.add(scores, [1, c, H, W], labels);
    }
    this.count += n;
  }

  /** A mask value that is neither a class of the output nor the ignore index would be dropped unseen. */
  private checkLabels(labels: Int32Array, classes: number, sample: number): void {
    for (let p = 0; p < labels.length; p++) {
      const v = labels[p];
      if (v !== this.ignoreIndex && (v < 0 || v >= classes))
        throw new TaskError(
          `The mask of sample ${sample} in ${this.dataset.name} has value ${v}, outside the model's ${classes} classes (0–${classes - 1}) and not the ignore index ${this.ignoreIndex}.`,
        );
    }
  }

  score(): TaskScore {
    const r = this.accumulator?.result();
    const names = this.dataset.classNames;
    return {
      task: 'segmentation',
      metric: 'mIoU',
      value: r?.meanIoU ?? 0,
      figures: { mIoU: r?.meanIoU ?? 0, 'pixel accuracy': r?.pixelAccuracy ?? 0 },
      perClass: (r?.iou ?? []).map((value, k) => ({ name: names?.[k] ?? String(k), value })),
      count: this.count,
    };
  }

  /** Classes the output scores (known after the first batch). */
  get classCount(): number {
    return this.classes;
  }
}

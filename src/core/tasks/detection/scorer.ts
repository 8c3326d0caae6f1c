import type {
  BatchScorer,
  Dataset,
  DatasetBatch,
  ImageBoxes,
  ResolvedPreprocess,
  TaskScore,
  TensorData,
} from '../../eval';
import { TaskError } from '../errors';
import type { DetectionSettings } from '../types';
import { nonMaxSuppression, type Detection } from './boxes';
import { CocoMapAccumulator, type DetectionResult } from './coco-map';
import { decodeDetections } from './decode';

/**
 * Decodes each image's outputs, applies class-wise NMS, maps the boxes back from the model input to the
 * image's own pixels (undoing resize and centre crop) and scores them with COCO AP.
 */
export class DetectionScorer implements BatchScorer {
  readonly outputs: readonly string[];
  private readonly accumulator: CocoMapAccumulator;
  private readonly images: readonly ImageBoxes[];
  /** The last batch's detections per image, in image pixels (for pictures of predictions). */
  lastDetections: Detection[][] = [];

  constructor(
    private readonly settings: DetectionSettings,
    private readonly dataset: Dataset,
  ) {
    if (dataset.targets?.kind !== 'boxes')
      throw new TaskError(`${dataset.name} has no boxes to score detection against.`);
    this.images = dataset.targets.images;
    this.outputs = settings.outputs;
    this.accumulator = new CocoMapAccumulator(dataset.classNames?.length ?? 1, settings.maxDetections);
  }

  add(outputs: Readonly<Record<string, TensorData>>, batch: DatasetBatch, pre: ResolvedPreprocess): void {
    const n = batch.dims[0];
    this.lastDetections = [];
    for (let i = 0; i < n; i++) {
      const image = this.images[batch.start + i];
      const candidates = decodeDetections(outputs, i, this.settings, pre);
      const kept = nonMaxSuppression(candidates, this.settings.nmsIou, this.settings.maxDetections);
      const dets = kept.map((d) => toImage(d, image, pre));
      this.lastDetections.push(dets);
      this.accumulator.add(image.boxes, dets);
    }
  }

  result(): DetectionResult {
    return this.accumulator.result();
  }

  score(): TaskScore {
    const r = this.result();
    const names = this.dataset.classNames;
    const z = (v: number) => (Number.isNaN(v) ? 0 : v);
    return {
      task: 'detection',
      metric: 'mAP@.5',
      value: z(r.map50),
      figures: {
        'mAP@.5': z(r.map50),
        'mAP@[.5:.95]': z(r.map),
        'mAP@.75': z(r.map75),
        'mAP small': r.mapSmall,
        'mAP medium': r.mapMedium,
        'mAP large': r.mapLarge,
      },
      perClass: r.perClass50.map((value, k) => ({ name: names?.[k] ?? String(k), value })),
      count: r.images,
    };
  }
}

/** From model-input pixels to the image's: undo the centre crop, then the resize. */
function toImage(d: Detection, image: ImageBoxes, pre: ResolvedPreprocess): Detection {
  const [rh, rw] = pre.resize ?? [image.height, image.width];
  const ox = (rw - pre.width) >> 1;
  const oy = (rh - pre.height) >> 1;
  const sx = image.width / rw;
  const sy = image.height / rh;
  return { ...d, x1: (d.x1 + ox) * sx, y1: (d.y1 + oy) * sy, x2: (d.x2 + ox) * sx, y2: (d.y2 + oy) * sy };
}

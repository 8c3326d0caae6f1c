import type { GroundTruthBox } from '../../eval';
import type { Detection } from './boxes';

/** COCO box AP figures, fractions in [0, 1]; NaN where nothing could be scored. */
export interface DetectionResult {
  /** AP averaged over IoU 0.50:0.05:0.95 and classes (COCO's primary metric). */
  readonly map: number;
  readonly map50: number;
  readonly map75: number;
  /** mAP@[.5:.95] for objects of area < 32², 32²–96², > 96² pixels. */
  readonly mapSmall: number;
  readonly mapMedium: number;
  readonly mapLarge: number;
  /** AP@[.5:.95] per class; NaN for a class with no (non-ignored) ground truth. */
  readonly perClass: readonly number[];
  /** AP@.5 per class. */
  readonly perClass50: readonly number[];
  readonly images: number;
}

const IOU_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);
const RECALL_POINTS = 101;
const AREAS: Record<'all' | 'small' | 'medium' | 'large', [number, number]> = {
  all: [0, 1e10],
  small: [0, 32 ** 2],
  medium: [32 ** 2, 96 ** 2],
  large: [96 ** 2, 1e10],
};

/** What one image contributes to one class at one area range and IoU threshold. */
interface Matched {
  scores: number[];
  /** Per threshold, per detection: matched a ground truth, and whether that makes it ignored. */
  matched: boolean[][];
  ignored: boolean[][];
  /** Ground truths that count (not crowd/ignored, inside the area range). */
  counted: number;
}

/**
 * COCO detection AP (Lin et al., "Microsoft COCO", ECCV 2014; the rules of pycocotools' `COCOeval`):
 * per image and class, detections in score order (at most `maxDetections`) are matched greedily to the
 * unmatched ground truth of highest IoU ≥ t, preferring ground truth that counts over ignored (crowd)
 * ground truth, which may be matched any number of times with IoU = intersection / detection area.
 * Detections matched to ignored ground truth, and unmatched ones outside the area range, are ignored.
 * Per class, precision over all images is made monotone and read at 101 recall points; AP is its mean,
 * mAP the mean over classes that have ground truth.
 */
export class CocoMapAccumulator {
  private readonly images: { gts: readonly GroundTruthBox[]; dets: readonly Detection[] }[] = [];

  constructor(
    private readonly classCount: number,
    private readonly maxDetections = 100,
  ) {}

  add(gts: readonly GroundTruthBox[], dets: readonly Detection[]): void {
    this.images.push({ gts, dets });
  }

  result(): DetectionResult {
    const ap = (area: keyof typeof AREAS, t?: number) => {
      const per = Array.from({ length: this.classCount }, (_, k) => this.classAp(k, AREAS[area], t));
      return { per, mean: mean(per) };
    };
    const all = ap('all');
    const at50 = ap('all', 0);
    return {
      map: all.mean,
      map50: at50.mean,
      map75: ap('all', 5).mean,
      mapSmall: ap('small').mean,
      mapMedium: ap('medium').mean,
      mapLarge: ap('large').mean,
      perClass: all.per,
      perClass50: at50.per,
      images: this.images.length,
    };
  }

  /** AP of one class: over all thresholds, or only threshold index `t`; NaN with no ground truth. */
  private classAp(label: number, range: [number, number], t?: number): number {
    const parts = this.images.map((im) =>
      matchImage(
        im.gts.filter((g) => g.label === label),
        im.dets.filter((d) => d.label === label),
        range,
        this.maxDetections,
      ),
    );
    const counted = parts.reduce((a, p) => a + p.counted, 0);
    if (counted === 0) return NaN;
    // Every image's detections, by score, ties kept in image order (a stable sort, as pycocotools').
    const order = parts.flatMap((p, i) => p.scores.map((s, d) => ({ s, i, d })));
    order.sort((a, b) => b.s - a.s);
    const thresholds = t === undefined ? IOU_THRESHOLDS.map((_, k) => k) : [t];
    let sum = 0;
    for (const k of thresholds) {
      let tp = 0;
      let fp = 0;
      const precision: number[] = [];
      const recall: number[] = [];
      for (const { i, d } of order) {
        if (parts[i].ignored[k][d]) continue;
        if (parts[i].matched[k][d]) tp++;
        else fp++;
        precision.push(tp / (tp + fp));
        recall.push(tp / counted);
      }
      for (let j = precision.length - 1; j > 0; j--)
        precision[j - 1] = Math.max(precision[j - 1], precision[j]);
      let q = 0;
      let j = 0;
      for (let r = 0; r < RECALL_POINTS; r++) {
        const level = r / (RECALL_POINTS - 1);
        while (j < recall.length && recall[j] < level) j++;
        if (j < recall.length) q += precision[j];
      }
      sum += q / RECALL_POINTS;
    }
    return sum / thresholds.length;
  }
}

function matchImage(
  allGts: readonly GroundTruthBox[],
  allDets: readonly Detection[],
  [lo, hi]: [number, number],
  maxDetections: number,
): Matched {
  const area = (g: GroundTruthBox) => g.area ?? (g.x2 - g.x1) * (g.y2 - g.y1);
  const gtIgnored = (g: GroundTruthBox) => g.ignore === true || area(g) < lo || area(g) > hi;
  // Ground truth that counts comes first, so a detection takes it over an ignored one.
  const gts = [...allGts].sort((a, b) => Number(gtIgnored(a)) - Number(gtIgnored(b)));
  const dets = [...allDets].sort((a, b) => b.score - a.score).slice(0, maxDetections);
  const ious = dets.map((d) => gts.map((g) => overlap(d, g)));
  const matched: boolean[][] = [];
  const ignored: boolean[][] = [];
  for (const t of IOU_THRESHOLDS) {
    const taken = gts.map(() => false);
    const m = dets.map(() => false);
    const ig = dets.map(() => false);
    dets.forEach((d, di) => {
      let best = Math.min(t, 1 - 1e-10);
      let g = -1;
      for (let gi = 0; gi < gts.length; gi++) {
        if (taken[gi] && !gts[gi].ignore) continue;
        if (g > -1 && !gtIgnored(gts[g]) && gtIgnored(gts[gi])) break;
        if (ious[di][gi] < best) continue;
        best = ious[di][gi];
        g = gi;
      }
      if (g === -1) {
        const a = (d.x2 - d.x1) * (d.y2 - d.y1);
        ig[di] = a < lo || a > hi;
        return;
      }
      m[di] = true;
      ig[di] = gtIgnored(gts[g]);
      taken[g] = true;
    });
    matched.push(m);
    ignored.push(ig);
  }
  return {
    scores: dets.map((d) => d.score),
    matched,
    ignored,
    counted: gts.filter((g) => !gtIgnored(g)).length,
  };
}

/** IoU, except against crowd (ignored) ground truth: intersection over the detection's area. */
function overlap(d: Detection, g: GroundTruthBox): number {
  const w = Math.min(d.x2, g.x2) - Math.max(d.x1, g.x1);
  const h = Math.min(d.y2, g.y2) - Math.max(d.y1, g.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const da = (d.x2 - d.x1) * (d.y2 - d.y1);
  return g.ignore ? inter / da : inter / (da + (g.x2 - g.x1) * (g.y2 - g.y1) - inter);
}

function mean(values: readonly number[]): number {
  const valid = values.filter((v) => !Number.isNaN(v));
  return valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : NaN;
}

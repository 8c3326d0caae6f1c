/** What "accuracy" means for a model: the task, how its outputs are read, and what a run measured. */

/** The tasks Whittle can score; `outputs` scores nothing and compares every output with the original. */
export type TaskKind = 'classification' | 'segmentation' | 'detection' | 'outputs';

/**
 * How detection outputs are read:
 * - `yolo`: one tensor `[N, 4+C(+1), A]` or `[N, A, 4+C(+1)]`, centre x/y, width, height in input
 *   pixels, then class scores (after an objectness column when there are C+1 extra rows: YOLOv5);
 * - `boxes-scores`: decoded boxes `[N, A, 4]` (x1, y1, x2, y2 in input pixels) and scores `[N, A, C]`;
 * - `ssd`: raw SSD heads `[N, A, 4]` offsets and `[N, A, C]` logits (class 0 = background), decoded with
 *   priors `[A, 4]` (centre x/y, width, height relative to the input) and variances.
 */
export type DetectionFormat = 'yolo' | 'boxes-scores' | 'ssd';

/** Everything a detection metric needs to turn outputs into boxes. */
export interface DetectionSettings {
  readonly format: DetectionFormat;
  /** Output names: one for `yolo`, boxes then scores for the others. */
  readonly outputs: readonly string[];
  /** Detections scoring below this are dropped before NMS. */
  readonly scoreThreshold: number;
  /** Class-wise NMS suppresses boxes overlapping a better one by more than this IoU. */
  readonly nmsIou: number;
  /** Most detections kept per image (COCO: 100). */
  readonly maxDetections: number;
  /** SSD only: priors `[A, 4]` as centre x/y, width, height relative to the input size. */
  readonly priors?: Float32Array;
  /** SSD only: (centre, size) variances, usually (0.1, 0.2). */
  readonly variances: readonly [number, number];
  /** Classes in the annotations, when known: tells YOLOv5's objectness column from a class. */
  readonly classCount?: number;
}

/** A task decided for one model and dataset. */
export type ResolvedTask =
  | { readonly kind: 'classification'; readonly output: string }
  | { readonly kind: 'segmentation'; readonly output: string; readonly ignoreIndex: number }
  | { readonly kind: 'detection'; readonly detection: DetectionSettings }
  | { readonly kind: 'outputs' };

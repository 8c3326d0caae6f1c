/** A detection in corner form, in the pixels of the image it was scored on. */
export interface Detection {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** 0-based class index in the dataset's class order. */
  label: number;
  score: number;
}

/** Intersection over union of two corner boxes (no +1 on widths: COCO's convention). */
export function iou(
  a: { x1: number; y1: number; x2: number; y2: number },
  b: { x1: number; y1: number; x2: number; y2: number },
): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

/**
 * Greedy class-wise non-maximum suppression: within each class, a box is dropped when it overlaps a
 * higher-scoring kept box by more than `threshold` IoU. Then the best `maxDetections` over all classes.
 */
export function nonMaxSuppression(
  dets: readonly Detection[],
  threshold: number,
  maxDetections: number,
): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  const byClass = new Map<number, Detection[]>();
  for (const d of sorted) {
    const same = byClass.get(d.label) ?? [];
    if (same.some((k) => iou(k, d) > threshold)) continue;
    same.push(d);
    byClass.set(d.label, same);
    kept.push(d);
    if (kept.length === maxDetections) break;
  }
  return kept;
}

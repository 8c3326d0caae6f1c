/**
 * Where the canvas looks, computed from the layout's own boxes (not from React Flow's measurements:
 * with only visible boxes rendered, the others are never measured and a measured fit ignores them).
 */
import { getViewportForBounds, type Viewport } from '@xyflow/react';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** At this zoom a box's 11-12 px text reads comfortably. */
export const LEGIBLE_ZOOM = 0.75;
/**
 * A graph that fits whole at this zoom or more is shown whole (the sample's 15 boxes: its shape is
 * the point); one that needs less starts at the readable zoom instead of a strip of specks.
 */
export const OVERVIEW_ZOOM = 0.4;
/** The canvas's own zoom limits. */
export const MIN_ZOOM = 0.01;
export const MAX_ZOOM = 2;

export function boundsOf(boxes: readonly Box[]): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return boxes.length
    ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
    : { x: 0, y: 0, width: 0, height: 0 };
}

/** All of `boxes` in view, with `padding` (a fraction) round them, zoomed in no further than `maxZoom`. */
export function frame(
  boxes: readonly Box[],
  size: { width: number; height: number },
  maxZoom: number,
  padding = 0.2,
): Viewport {
  return getViewportForBounds(boundsOf(boxes), size.width, size.height, MIN_ZOOM, maxZoom, padding);
}

/**
 * "Fit" that stays readable: the whole graph when it fits at `OVERVIEW_ZOOM` or more; otherwise the
 * readable zoom, showing the graph's start (its top, centred on the first box when the graph is wider than
 * the canvas) and leaving the rest to panning and the minimap.
 */
export function legibleFit(boxes: readonly Box[], size: { width: number; height: number }): Viewport {
  const whole = frame(boxes, size, 1.1, 0.08);
  if (whole.zoom >= OVERVIEW_ZOOM || boxes.length === 0) return whole;
  const zoom = LEGIBLE_ZOOM;
  const b = boundsOf(boxes);
  const first = boxes[0];
  const centreX = b.width * zoom <= size.width ? b.x + b.width / 2 : first.x + first.width / 2;
  return { x: size.width / 2 - centreX * zoom, y: 16 - b.y * zoom, zoom };
}

/** Whether `box` lies wholly inside what `viewport` shows of a canvas of `size`. */
export function inView(box: Box, viewport: Viewport, size: { width: number; height: number }): boolean {
  const left = box.x * viewport.zoom + viewport.x;
  const top = box.y * viewport.zoom + viewport.y;
  return (
    left >= 0 &&
    top >= 0 &&
    left + box.width * viewport.zoom <= size.width &&
    top + box.height * viewport.zoom <= size.height
  );
}

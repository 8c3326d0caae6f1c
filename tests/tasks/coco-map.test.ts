/**
 * COCO AP against cases whose exact value is known by hand, and against a second, separately written
 * statement of the COCO rules (`restatedAp` below) on many random images.
 */
import { describe, expect, it } from 'vitest';
import type { GroundTruthBox } from '../../src/core/eval';
import { CocoMapAccumulator, type Detection } from '../../src/core/tasks';
import { seededRandom } from '../helpers/model-builder';

const gt = (x1: number, y1: number, w: number, h: number, label = 0, ignore = false): GroundTruthBox => ({
  x1,
  y1,
  x2: x1 + w,
  y2: y1 + h,
  label,
  ignore,
});
const det = (x1: number, y1: number, w: number, h: number, score: number, label = 0): Detection => ({
  x1,
  y1,
  x2: x1 + w,
  y2: y1 + h,
  label,
  score,
});

function map(images: [GroundTruthBox[], Detection[]][], classes = 1) {
  const acc = new CocoMapAccumulator(classes);
  for (const [g, d] of images) acc.add(g, d);
  return acc.result();
}

describe('COCO AP, hand-computed cases', () => {
  it('is 1 for perfect predictions', () => {
    const r = map(
      [
        [
          [gt(0, 0, 10, 10), gt(20, 20, 30, 10, 1)],
          [det(0, 0, 10, 10, 0.9), det(20, 20, 30, 10, 0.8, 1)],
        ],
        [[gt(5, 5, 50, 40)], [det(5, 5, 50, 40, 0.3)]],
      ],
      2,
    );
    expect(r.map).toBe(1);
    expect(r.map50).toBe(1);
    expect(r.perClass).toEqual([1, 1]);
  });

  it('cuts a shifted box at its IoU: 2 px on a 10 px box is IoU 80/120', () => {
    // IoU 0.6667 passes the thresholds .50 .55 .60 .65 and fails the other six.
    const r = map([[[gt(0, 0, 10, 10)], [det(2, 0, 10, 10, 0.9)]]]);
    expect(r.map50).toBe(1);
    expect(r.map75).toBe(0);
    expect(r.map).toBeCloseTo(0.4, 12);
  });

  it('counts a duplicate as a false positive: after the true one it costs nothing, before it half', () => {
    expect(map([[[gt(0, 0, 10, 10)], [det(0, 0, 10, 10, 0.9), det(0, 0, 10, 10, 0.8)]]]).map).toBe(1);
    // A wrong box scoring above the right one: precision 1/2 at every recall level.
    expect(map([[[gt(0, 0, 10, 10)], [det(50, 50, 10, 10, 0.9), det(0, 0, 10, 10, 0.8)]]]).map).toBeCloseTo(
      0.5,
      12,
    );
  });

  it('ignores detections on crowd regions and lets one crowd absorb many', () => {
    const crowd = gt(100, 100, 50, 50, 0, true);
    const r = map([
      [
        [gt(0, 0, 10, 10), crowd],
        [det(110, 110, 10, 10, 0.95), det(120, 120, 10, 10, 0.94), det(0, 0, 10, 10, 0.5)],
      ],
    ]);
    expect(r.map).toBe(1);
  });

  it('counts detections on an empty image as false positives; a class never annotated is NaN', () => {
    const r = map(
      [
        [[gt(0, 0, 10, 10)], [det(0, 0, 10, 10, 0.5)]],
        [[], [det(0, 0, 10, 10, 0.9), det(30, 30, 10, 10, 0.8, 1)]],
      ],
      2,
    );
    // Class 0: FP (0.9) then TP (0.5): precision 1/2 at recall 1.
    expect(r.perClass[0]).toBeCloseTo(0.5, 12);
    expect(r.perClass[1]).toBeNaN();
    expect(r.map).toBeCloseTo(0.5, 12);
  });

  it('keeps at most maxDetections per image, best first', () => {
    const dets = Array.from({ length: 3 }, (_, i) => det(50 + i * 20, 0, 10, 10, 0.9 - i * 0.1));
    const acc = new CocoMapAccumulator(1, 2);
    acc.add([gt(0, 0, 10, 10)], [...dets, det(0, 0, 10, 10, 0.1)]);
    expect(acc.result().map).toBe(0);
  });
});

/**
 * A second statement of the COCO rules, written from the description (not from the class under test):
 * match per threshold in score order, the best-IoU free non-crowd truth, else a crowd truth; crowd and
 * out-of-range matches are ignored; precision envelope read at recall r/100 as "first point with
 * recall ≥ r"; average over 10 thresholds and 101 points, then over classes with truth.
 */
function restatedAp(images: [GroundTruthBox[], Detection[]][], classes: number, maxDet = 100): number {
  const aps: number[] = [];
  for (let c = 0; c < classes; c++) {
    let total = 0;
    const perT: number[] = [];
    for (let t = 0; t < 10; t++) {
      const thr = 0.5 + 0.05 * t;
      const rows: { score: number; tp: boolean; image: number }[] = [];
      let npos = 0;
      images.forEach(([gts, dets], image) => {
        const g = gts.filter((x) => x.label === c);
        npos += g.filter((x) => !x.ignore).length;
        const d = dets
          .filter((x) => x.label === c)
          .map((x, i) => ({ x, i }))
          .sort((a, b) => b.x.score - a.x.score || a.i - b.i)
          .slice(0, maxDet)
          .map((e) => e.x);
        const used = new Set<number>();
        for (const x of d) {
          let pick = -1;
          let pickIou = -1;
          for (const pass of [false, true]) {
            for (let k = 0; k < g.length; k++) {
              if (Boolean(g[k].ignore) !== pass || (!pass && used.has(k))) continue;
              const iw = Math.max(0, Math.min(x.x2, g[k].x2) - Math.max(x.x1, g[k].x1));
              const ih = Math.max(0, Math.min(x.y2, g[k].y2) - Math.max(x.y1, g[k].y1));
              const a = (x.x2 - x.x1) * (x.y2 - x.y1);
              const b = (g[k].x2 - g[k].x1) * (g[k].y2 - g[k].y1);
              const v = pass ? (iw * ih) / a : (iw * ih) / (a + b - iw * ih);
              if (v >= Math.min(thr, 1 - 1e-10) && v > pickIou) {
                pick = k;
                pickIou = v;
              }
            }
            if (pick >= 0) break;
          }
          if (pick >= 0 && g[pick].ignore) continue;
          if (pick >= 0) used.add(pick);
          rows.push({ score: x.score, tp: pick >= 0, image });
        }
      });
      if (npos === 0) break;
      rows.sort((a, b) => b.score - a.score || a.image - b.image);
      const prec: number[] = [];
      const rec: number[] = [];
      let tp = 0;
      rows.forEach((r, i) => {
        tp += r.tp ? 1 : 0;
        prec.push(tp / (i + 1));
        rec.push(tp / npos);
      });
      let sum = 0;
      for (let r = 0; r <= 100; r++) {
        let best = 0;
        for (let i = 0; i < rec.length; i++) if (rec[i] >= r / 100) best = Math.max(best, prec[i]);
        sum += best;
      }
      perT.push(sum / 101);
    }
    if (perT.length === 10) {
      for (const v of perT) total += v;
      aps.push(total / 10);
    }
  }
  return aps.reduce((a, b) => a + b, 0) / aps.length;
}

describe('COCO AP against an independent re-statement', () => {
  it('agrees to 1e-6 on 200 random images with jitter, duplicates, crowds and empty images', () => {
    const rnd = seededRandom(11);
    const images: [GroundTruthBox[], Detection[]][] = [];
    for (let i = 0; i < 200; i++) {
      const gts: GroundTruthBox[] = [];
      const dets: Detection[] = [];
      const count = Math.floor(rnd() * 5);
      for (let k = 0; k < count; k++) {
        const g = gt(
          rnd() * 80,
          rnd() * 80,
          8 + rnd() * 30,
          8 + rnd() * 30,
          Math.floor(rnd() * 3),
          rnd() < 0.05,
        );
        gts.push(g);
        const j = () => (rnd() - 0.5) * 6;
        if (rnd() < 0.85)
          dets.push(
            det(
              g.x1 + j(),
              g.y1 + j(),
              g.x2 - g.x1 + j(),
              g.y2 - g.y1 + j(),
              rnd(),
              rnd() < 0.9 ? g.label : (g.label + 1) % 3,
            ),
          );
        if (rnd() < 0.2) dets.push(det(g.x1 + j(), g.y1 + j(), g.x2 - g.x1, g.y2 - g.y1, rnd(), g.label));
      }
      if (rnd() < 0.3) dets.push(det(rnd() * 90, rnd() * 90, 10, 10, rnd(), Math.floor(rnd() * 3)));
      images.push([gts, dets]);
    }
    expect(Math.abs(map(images, 3).map - restatedAp(images, 3))).toBeLessThan(1e-6);
  });
});

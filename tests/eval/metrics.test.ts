import { describe, expect, it } from 'vitest';
import {
  DatasetError,
  FidelityAccumulator,
  percentile,
  SegmentationAccumulator,
  TopKAccumulator,
} from '../../src/core/eval';

describe('TopKAccumulator', () => {
  it('counts top-1 and top-5 hits, ties resolved like argmax (first index wins)', () => {
    const acc = new TopKAccumulator();
    const classes = 6;
    const logits = Float32Array.from([
      // row 0: label 2 is the max → top-1
      0, 1, 9, 2, 3, 4,
      // row 1: label 0 is 2nd → top-5 only
      8, 9, 0, 1, 2, 3,
      // row 2: label 5 is last → neither
      5, 4, 3, 2, 1, 0,
      // row 3: all equal, label 0 → top-1 (first index); label 5 would be rank 5
      1, 1, 1, 1, 1, 1,
    ]);
    acc.add(logits, classes, [2, 0, 5, 0]);
    expect(acc.result()).toEqual({ top1: 0.5, top5: 0.75, count: 4 });
  });
});

describe('TopKAccumulator with labels outside [0, classes)', () => {
  it.each([[3], [-1], [1.5], [99]])('refuses label %d as a DatasetError naming the sample', (bad) => {
    const acc = new TopKAccumulator('labels.idx');
    const logits = new Float32Array([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    acc.add(logits.subarray(0, 6), 3, [1, 0]);
    const error = (() => {
      try {
        acc.add(logits, 3, [2, bad, 0]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).item).toBe('sample 3');
    expect((error as Error).message).toBe(
      `Label ${bad} of sample 3 in labels.idx is outside the model's 3 classes (0–2).`,
    );
  });
});

describe('SegmentationAccumulator', () => {
  it('computes pixel accuracy and mean IoU from a confusion matrix, skipping ignored pixels', () => {
    const acc = new SegmentationAccumulator(2);
    // One image 1×4, scores [n, c, h, w]: predictions 0, 1, 1, 0.
    const scores = Float32Array.from([1, 0, 0, 1, 0, 1, 1, 0]);
    acc.add(scores, [1, 2, 1, 4], [0, 1, 0, 255]);
    const r = acc.result();
    // Counted pixels: (0→0), (1→1), (0→1). Class 0: TP 1, FN 1 → IoU 1/2. Class 1: TP 1, FP 1 → 1/2.
    expect(r.pixels).toBe(3);
    expect(r.pixelAccuracy).toBeCloseTo(2 / 3, 12);
    expect(r.iou).toEqual([0.5, 0.5]);
    expect(r.meanIoU).toBe(0.5);
  });
});

describe('FidelityAccumulator', () => {
  it('measures agreement, cosine, SQNR and max error', () => {
    const acc = new FidelityAccumulator();
    acc.add([1, 0, 0, 2], [1, 0, 3, 0], 2);
    const r = acc.result();
    expect(r.top1Agreement).toBe(0.5);
    expect(r.meanCosine).toBeCloseTo((1 + 0) / 2, 12);
    // signal 1 + 4 = 5, noise 9 + 4 = 13
    expect(r.sqnrDb).toBeCloseTo(10 * Math.log10(5 / 13), 12);
    expect(r.maxAbsError).toBe(3);
  });

  it('is perfect for identical outputs', () => {
    const acc = new FidelityAccumulator();
    acc.add([0, 0, 1, 2], [0, 0, 1, 2], 2);
    expect(acc.result()).toEqual({
      top1Agreement: 1,
      meanCosine: 1,
      sqnrDb: Infinity,
      maxAbsError: 0,
      count: 2,
    });
  });
});

describe('percentile', () => {
  it('interpolates between ranks like NumPy', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5.5);
    expect(percentile(sorted, 10)).toBeCloseTo(1.9, 12);
    expect(percentile(sorted, 90)).toBeCloseTo(9.1, 12);
  });
});

describe('FidelityAccumulator on all-zero rows', () => {
  it('scores two zero rows as identical and a zero row against a non-zero one as orthogonal', () => {
    const f = new FidelityAccumulator();
    f.add([0, 0, 1, 2], [0, 0, 0, 0], 2);
    const r = f.result();
    expect(r.meanCosine).toBe(0.5);
    expect(Number.isNaN(r.meanCosine)).toBe(false);
  });
});

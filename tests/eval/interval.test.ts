/**
 * The subset intervals against published and hand-computed values: Wilson's score interval for one
 * proportion (Newcombe, Statistics in Medicine 17, 1998, table I, method 3) and Bonett & Price's
 * adjusted Wald interval for a paired difference; and the per-sample pairing that feeds the latter.
 */
import { describe, expect, it } from 'vitest';
import { pairedDropInterval, sampleCoverage, wilsonInterval } from '../../src/core/eval';

describe('wilsonInterval', () => {
  it("matches Newcombe's worked examples to the four places he prints", () => {
    const close = (i: { low: number; high: number }, low: number, high: number) => {
      expect(i.low).toBeCloseTo(low, 4);
      expect(i.high).toBeCloseTo(high, 4);
    };
    close(wilsonInterval(81, 263), 0.2553, 0.3662);
    close(wilsonInterval(15, 148), 0.0624, 0.1605);
    close(wilsonInterval(0, 20), 0, 0.1611);
  });

  it('gives the hand-computed interval for 458 of 500', () => {
    // p = 0.916, z²/n = 3.841459/500 = 0.0076829; centre = (0.916 + 0.0038415)/1.0076829 = 0.912829;
    // half = 1.959964/1.0076829 · √(0.916·0.084/500 + 3.841459/10⁶) = 1.945020 · 0.0125590 = 0.024428.
    const i = wilsonInterval(458, 500);
    expect(i.low).toBeCloseTo(0.888401, 5);
    expect(i.high).toBeCloseTo(0.937256, 5);
  });
});

describe('pairedDropInterval', () => {
  it('gives the hand-computed interval for 30 worse and 10 better of 1,000', () => {
    // p̃w = 31/1002, p̃b = 11/1002, d̃ = 20/1002 = 0.0199601;
    // se = √((42/1002 − d̃²)/1002) = √(0.0415178/1002) = 0.0064370; half = 1.959964 · se = 0.0126163.
    const i = pairedDropInterval(30, 10, 1000);
    expect(i.low).toBeCloseTo(0.0073438, 6);
    expect(i.high).toBeCloseTo(0.0325764, 6);
  });

  it('is symmetric about zero when the models never disagree, and narrower than unpaired', () => {
    const i = pairedDropInterval(0, 0, 500);
    expect(i.low).toBeCloseTo(-i.high, 12);
    expect(i.high).toBeCloseTo(0.0055215, 6);
    // Two independent Wilson intervals of 91.6 % on 500 samples would allow a difference of ±4.9 points.
    const w = wilsonInterval(458, 500);
    expect(i.high - i.low).toBeLessThan((w.high - w.low) / 4);
  });
});

describe('sampleCoverage', () => {
  const hits = (pattern: string) => Uint8Array.from(pattern, (c) => (c === '1' ? 1 : 0));

  it('on a subset: the Wilson interval of the hits, and the drop from the discordant pairs', () => {
    const reference = hits('1111111100');
    const model = hits('1111100110');
    const c = sampleCoverage(10, 40, model, reference);
    expect(c).toMatchObject({ evaluated: 10, available: 40 });
    expect(c.top1Interval).toEqual(wilsonInterval(7, 10));
    // Samples 5 and 6 were right and are now wrong; sample 8 the reverse.
    expect(c.drop).toMatchObject({ worse: 2, better: 1, value: 0.1 });
    expect(c.drop?.interval).toEqual(pairedDropInterval(2, 1, 10));
  });

  it('on the whole set: counts and the drop, but no interval', () => {
    const c = sampleCoverage(10, 10, hits('1111100110'), hits('1111111100'));
    expect(c.top1Interval).toBeUndefined();
    expect(c.drop).toEqual({ value: 0.1, worse: 2, better: 1 });
  });

  it('gives the reference itself no drop', () => {
    const reference = hits('10');
    expect(sampleCoverage(2, 5, reference, reference).drop).toBeUndefined();
  });
});

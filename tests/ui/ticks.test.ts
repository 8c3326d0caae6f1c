import { describe, expect, it } from 'vitest';
import { niceStep, niceTicks } from '../../src/ui/ticks';

describe('niceTicks', () => {
  it('puts ticks at round values that cover the data', () => {
    expect(niceTicks(0, 13)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(28, 93)).toEqual([20, 40, 60, 80, 100]);
    expect(niceTicks(0, 0.37)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(86.5, 91.2)).toEqual([86, 87, 88, 89, 90, 91, 92]);
  });

  it('steps by 1, 2, 2.5 or 5 times a power of ten', () => {
    for (const span of [0.003, 0.7, 3, 13, 64, 999, 12345]) {
      const step = niceStep(span);
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 2.5, 5]).toContain(Number(mantissa.toFixed(6)));
    }
  });

  it('survives empty and degenerate ranges', () => {
    expect(niceTicks(5, 5)).toEqual([5, 5.2, 5.4, 5.6, 5.8, 6]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });
});

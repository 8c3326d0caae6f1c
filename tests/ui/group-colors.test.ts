import { describe, expect, it } from 'vitest';
import {
  GROUP_PATTERNS,
  groupBoxBackground,
  groupColor,
  groupPattern,
  groupSwatch,
} from '../../src/ui/graph/group-colors';

/** Degrees between two groups' hues on the colour wheel (0-180), read back from the CSS colour. */
const hueOf = (i: number) => Number(/hsl\(([\d.]+)/.exec(groupColor(i, true))![1]);
const hueGap = (i: number, j: number) => {
  const d = Math.abs(hueOf(i) - hueOf(j)) % 360;
  return Math.min(d, 360 - d);
};

const ids = Array.from({ length: 60 }, (_, i) => i);

describe('group palette', () => {
  it('gives consecutive groups hues far apart, nearby ones distinct hues, and different patterns', () => {
    for (const i of ids) {
      expect(hueGap(i, i + 1), `g${i} vs g${i + 1}`).toBeGreaterThanOrEqual(90);
      for (let d = 2; d <= 6; d++) expect(hueGap(i, i + d), `g${i} vs g${i + d}`).toBeGreaterThanOrEqual(45);
      expect(groupPattern(i)).not.toBe(groupPattern(i + 1));
    }
  });

  it('never gives two nearby groups the same pattern with a similar colour', () => {
    for (const i of ids)
      for (let d = 1; d <= 24; d++)
        if (groupPattern(i) === groupPattern(i + d))
          expect(hueGap(i, i + d), `g${i} vs g${i + d}`).toBeGreaterThanOrEqual(45);
  });

  it('tells g1 and g6 apart (the crimson/magenta pair the old palette confused)', () => {
    // The golden-angle palette put them 32.5° apart with nothing else to tell them by.
    expect(hueGap(1, 6)).toBeGreaterThanOrEqual(90);
    expect(groupPattern(1)).not.toBe(groupPattern(6));
  });

  it('draws every pattern, and blocked groups in grey with a hatch', () => {
    expect(new Set(ids.map(groupPattern))).toEqual(new Set(GROUP_PATTERNS));
    expect(groupSwatch(3, false)).toContain('45deg');
    expect(groupBoxBackground(3, false)).toBe('#f2f4f7');
    // Patterns are real CSS gradients over the group's own hue.
    for (const i of [1, 2, 3, 4]) expect(groupSwatch(i, true)).toMatch(/gradient\(.*hsl/);
    expect(groupSwatch(0, true)).toBe(groupColor(0, true));
  });
});

/**
 * One look per pruning group: a hue and a pattern. Consecutive ids step 103° round the colour wheel,
 * so ids one to six apart differ by at least 51° (g1 and g6 by 155°), and six patterns cycle, so
 * ids up to five apart never share one; ids that do (six or more apart) are still 48° or more apart
 * in hue. A reader without full colour vision tells neighbours apart by the pattern. Blocked groups
 * are grey with a diagonal hatch, which no pruning group uses.
 */
const HUE_STEP = 103;
const HUE_START = 210;
export const GROUP_PATTERNS = ['solid', 'stripes', 'dots', 'bars', 'checks', 'columns'] as const;
export type GroupPattern = (typeof GROUP_PATTERNS)[number];

const BLOCKED = '#98a2b3';

export const groupHue = (index: number): number => (HUE_START + index * HUE_STEP) % 360;

export const groupPattern = (index: number): GroupPattern => GROUP_PATTERNS[index % GROUP_PATTERNS.length];

/** The group's colour, at one lightness so text beside it stays readable. */
export function groupColor(index: number, prunable: boolean): string {
  if (!prunable) return BLOCKED;
  return `hsl(${groupHue(index).toFixed(1)} 62% 46%)`;
}

/** A pale tint of the group colour for box backgrounds. */
export function groupTint(index: number, prunable: boolean): string {
  if (!prunable) return '#f2f4f7';
  return `hsl(${groupHue(index).toFixed(1)} 70% 96%)`;
}

/** `pattern`'s marks over `ground`, as a CSS background; `cell` is the repeat in pixels. */
function patterned(pattern: GroupPattern, marks: string, ground: string, cell: number): string {
  const mark = Math.round(cell * 0.4);
  switch (pattern) {
    case 'solid':
      return ground;
    case 'stripes':
      return `repeating-linear-gradient(135deg, ${marks} 0 ${mark}px, ${ground} ${mark}px ${cell}px)`;
    case 'bars':
      return `repeating-linear-gradient(0deg, ${marks} 0 ${mark}px, ${ground} ${mark}px ${cell}px)`;
    case 'columns':
      return `repeating-linear-gradient(90deg, ${marks} 0 ${mark}px, ${ground} ${mark}px ${cell}px)`;
    case 'dots':
      return `radial-gradient(circle, ${marks} ${mark / 2}px, transparent ${mark / 2 + 0.5}px) 0 0 / ${cell}px ${cell}px, ${ground}`;
    case 'checks':
      return `conic-gradient(${marks} 25%, ${ground} 0 50%, ${marks} 0 75%, ${ground} 0) 0 0 / ${cell}px ${cell}px`;
  }
}

/** Background for a swatch or a box's side stripe: the group colour with its pattern in white. */
export function groupSwatch(index: number, prunable: boolean): string {
  if (!prunable) return `repeating-linear-gradient(45deg, ${BLOCKED} 0 2px, #f2f4f7 2px 4px)`;
  return patterned(groupPattern(index), '#fff', groupColor(index, prunable), 5);
}

/** Background for a box: the pale tint with the group's pattern faintly over it (text stays legible). */
export function groupBoxBackground(index: number, prunable: boolean): string {
  const tint = groupTint(index, prunable);
  if (!prunable) return tint;
  return patterned(groupPattern(index), `hsl(${groupHue(index).toFixed(1)} 60% 88%)`, tint, 12);
}

/** Sensitivity heat: pale yellow (no drop) to deep red (the largest drop of any group). */
export function heatColor(drop: number, max: number): string {
  const t = max > 0 ? Math.min(1, Math.max(0, drop / max)) : 0;
  return `hsl(${(52 - 52 * t).toFixed(1)} 90% ${(93 - 24 * t).toFixed(1)}%)`;
}

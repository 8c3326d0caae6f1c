/**
 * One colour per pruning group: hues spread by the golden angle so neighbouring groups differ, at one
 * lightness so text on them stays readable. Blocked groups are grey; the canvas adds a hatch.
 */
export function groupColor(index: number, prunable: boolean): string {
  if (!prunable) return '#98a2b3';
  const hue = (index * 137.508 + 210) % 360;
  return `hsl(${hue.toFixed(1)} 62% 48%)`;
}

/** A pale tint of the group colour for box backgrounds. */
export function groupTint(index: number, prunable: boolean): string {
  if (!prunable) return '#f2f4f7';
  const hue = (index * 137.508 + 210) % 360;
  return `hsl(${hue.toFixed(1)} 70% 96%)`;
}

/** Sensitivity heat: pale yellow (no drop) to deep red (the largest drop of any group). */
export function heatColor(drop: number, max: number): string {
  const t = max > 0 ? Math.min(1, Math.max(0, drop / max)) : 0;
  return `hsl(${(52 - 52 * t).toFixed(1)} 90% ${(93 - 24 * t).toFixed(1)}%)`;
}

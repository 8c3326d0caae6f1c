/** Keyboard moves between graph boxes: the nearest box in an arrow's direction, by position. */
import type { Box } from './viewport';

export type Direction = 'up' | 'down' | 'left' | 'right';

export const ARROWS: Record<string, Direction> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
};

/**
 * The box whose centre is nearest `from`'s in direction `dir`: distance along the direction plus
 * twice the sideways offset, so a box straight ahead beats a closer one off to the side. Boxes
 * within a 45° cone come first; outside it only when the cone is empty. Undefined at the edge.
 */
export function nearestInDirection<T extends Box & { id: string }>(
  boxes: readonly T[],
  from: T,
  dir: Direction,
): T | undefined {
  const cx = from.x + from.width / 2;
  const cy = from.y + from.height / 2;
  let best: T | undefined;
  let bestScore = Infinity;
  let bestInCone = false;
  for (const b of boxes) {
    if (b === from) continue;
    const dx = b.x + b.width / 2 - cx;
    const dy = b.y + b.height / 2 - cy;
    const ahead = dir === 'down' ? dy : dir === 'up' ? -dy : dir === 'right' ? dx : -dx;
    const aside = Math.abs(dir === 'down' || dir === 'up' ? dx : dy);
    if (ahead <= 0) continue;
    const inCone = aside <= ahead;
    const score = ahead + 2 * aside;
    if ((inCone && !bestInCone) || (inCone === bestInCone && score < bestScore)) {
      best = b;
      bestScore = score;
      bestInCone = inCone;
    }
  }
  return best;
}

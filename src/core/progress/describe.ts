/** One line for a progress event, the same in the studio and the CLI: "3,000 of 10,000 samples, 30 %". */
import type { Progress } from './types';

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const tenths = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function describeProgress(p: Progress): string {
  // Layers half fitted and epochs part trained are fractional; show a tenth only where it is.
  const fmt = Number.isInteger(p.done) ? whole : tenths;
  const percent = Math.floor(100 * Math.min(1, Math.max(0, p.fraction)));
  return `${fmt.format(p.done)} of ${whole.format(p.total)} ${p.unit}, ${percent} %`;
}

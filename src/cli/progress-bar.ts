/**
 * A one-line progress bar on stderr when it is a terminal; nothing otherwise, so piped output and
 * `--json` stay clean. `show` draws a core progress event: the phase's bar, its units done of the total
 * and, once there is enough to go on, the phase's time left (the studio's run bar says the same).
 */
import {
  describeProgress,
  formatRemaining,
  remainingMs,
  tickClock,
  type PhaseClock,
  type Progress,
} from '../core/progress';

export interface ProgressBar {
  show(p: Progress): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { show: () => {}, done: () => {} };
  const width = 28;
  let last = '';
  let clock: PhaseClock | null = null;
  const update = (label: string, fraction: number) => {
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${label}`;
    const cols = stream.columns || 100;
    const text = line.length > cols - 1 ? line.slice(0, cols - 1) : line;
    if (text === last) return;
    last = text;
    stream.write(`\r\x1b[2K${text}`);
  };
  return {
    show(p) {
      const now = performance.now();
      clock = tickClock(clock, p.phase, now);
      const left = remainingMs(clock, p.fraction, now);
      const phase = p.phase.charAt(0).toUpperCase() + p.phase.slice(1);
      update(
        `${phase}: ${describeProgress(p)}${left === undefined ? '' : `, ${formatRemaining(left)}`} · ${p.message}`,
        p.fraction,
      );
    },
    done() {
      if (last) stream.write('\r\x1b[2K');
      last = '';
      clock = null;
    },
  };
}

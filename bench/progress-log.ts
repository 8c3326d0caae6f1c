/**
 * Progress of a long pipeline run as plain lines (stderr by default): each phase as it starts and
 * ends, at most every `everyMs` between, with the phase's time left; every fine-tuning epoch with its
 * losses. Without it a bench that fine-tunes prints nothing for tens of minutes, and a `timeout` that
 * ends it leaves no trace of how far it came (what a "silent" FINETUNE=segmentation run was).
 */
import type { PipelineInputs } from '../src/core/pipeline';
import {
  describeProgress,
  formatRemaining,
  remainingMs,
  tickClock,
  type PhaseClock,
} from '../src/core/progress';

type Hooks = Pick<PipelineInputs, 'onProgress' | 'finetuneControl'>;

export function progressLog(
  name: string,
  everyMs = 30_000,
  write: (line: string) => void = (line) => console.error(line),
): Hooks {
  let clock: PhaseClock | null = null;
  let last = -Infinity;
  const say = (s: string) => write(`[${name} ${(performance.now() / 1000).toFixed(0)} s] ${s}`);
  return {
    onProgress: (p) => {
      const now = performance.now();
      const starts = clock?.phase !== p.phase;
      clock = tickClock(clock, p.phase, now);
      if (!starts && p.fraction < 1 && now - last < everyMs) return;
      last = now;
      const left = remainingMs(clock, p.fraction, now);
      say(
        `${p.phase}: ${describeProgress(p)}${left === undefined ? '' : `, ${formatRemaining(left)}`} · ${p.message}`,
      );
    },
    finetuneControl: {
      onEpoch: (e) =>
        say(
          `fine-tuning step ${e.progressiveStep} epoch ${e.epoch}: loss ${e.loss.toExponential(3)}, held-out loss ${e.heldOutLoss?.toExponential(3) ?? '—'}, ${(e.ms / 1000).toFixed(0)} s`,
        ),
    },
  };
}

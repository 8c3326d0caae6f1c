/**
 * Turns a long call's many small steps into few `Progress` events: per phase it keeps `done` from
 * going back and below `total`, always passes on a phase's first and last event (and, on leaving a
 * phase, the last state it held back), and in between at most one event per `intervalMs` (a pipeline reports per batch; a progress bar needs a few a second).
 * A clock is injected so it stays pure: no timers, only reading the time.
 */
import type { Progress } from './types';

export interface ProgressTrackerOptions {
  /** Milliseconds between two events of one phase (default 100). */
  intervalMs?: number;
  now?: () => number;
  /** Called before every event, passed on or not (the pipeline aborts from here). */
  check?: () => void;
}

export interface ProgressTracker<P extends string> {
  /**
   * Enters `phase` with `total` units of `unit`. Entering a phase again (a progressive schedule's next
   * step) keeps what was done; the total may only grow.
   */
  start(phase: P, total: number, unit: string, message: string): void;
  /** `done` units of `phase` (clamped to what was reached before and to the total). */
  set(phase: P, done: number, message?: string): void;
  /** Marks `phase` complete: `done` becomes `total` (no event when that was said already). */
  finish(phase: P, message?: string): void;
}

interface PhaseState {
  done: number;
  total: number;
  unit: string;
  message: string;
}

export function progressTracker<P extends string>(
  emit: (p: Progress<P>) => void,
  options: ProgressTrackerOptions = {},
): ProgressTracker<P> {
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const phases = new Map<P, PhaseState>();
  let lastPhase: P | undefined;
  let lastAt = -Infinity;
  /** A phase whose latest state was held back by the interval. */
  let unsent: P | undefined;

  const emitState = (phase: P, s: PhaseState) => {
    const fraction = s.total > 0 ? s.done / s.total : 1;
    emit({ phase, done: s.done, total: s.total, unit: s.unit, fraction, message: s.message });
  };
  const send = (phase: P, s: PhaseState, force: boolean) => {
    options.check?.();
    const t = now();
    if (!force && phase === lastPhase && t - lastAt < interval) {
      unsent = phase;
      return;
    }
    // Leaving a phase: what it reached last is said before the next one speaks.
    if (unsent !== undefined && unsent !== phase) emitState(unsent, phases.get(unsent)!);
    unsent = undefined;
    lastPhase = phase;
    lastAt = t;
    emitState(phase, s);
  };
  const stateOf = (phase: P): PhaseState => {
    const s = phases.get(phase);
    if (!s) throw new Error(`Progress for phase "${phase}" before it started.`);
    return s;
  };

  return {
    start(phase, total, unit, message) {
      const s = phases.get(phase);
      const next = s
        ? { ...s, total: Math.max(s.total, total), message }
        : { done: 0, total: Math.max(0, total), unit, message };
      phases.set(phase, next);
      send(phase, next, true);
    },
    set(phase, done, message) {
      const s = stateOf(phase);
      const d = Math.min(s.total, Math.max(s.done, done));
      const changed = d !== s.done || (message !== undefined && message !== s.message);
      s.done = d;
      if (message !== undefined) s.message = message;
      if (changed || phase !== lastPhase) send(phase, s, d === s.total || phase !== lastPhase);
    },
    finish(phase, message) {
      const s = stateOf(phase);
      // Already said in full (the last unit's event is never held back): nothing new to tell.
      if (s.done === s.total && unsent !== phase) return;
      s.done = s.total;
      if (message !== undefined) s.message = message;
      send(phase, s, true);
    },
  };
}

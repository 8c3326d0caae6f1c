/**
 * Time left in a phase, from how long it has run and how much of it is done, assuming the rest goes
 * at the same pace: remaining = elapsed · (1 − f) / f. Said only once there is signal: at least
 * `minUpdates` progress events and `minElapsedMs` in the phase, and some of it done.
 */
export interface PhaseClock {
  phase: string;
  /** When the phase was first reported (ms, any clock). */
  startedAt: number;
  /** Progress events seen in the phase. */
  updates: number;
}

export const ETA_MIN_UPDATES = 2;
export const ETA_MIN_ELAPSED_MS = 1000;

/** Starts or advances the clock of the phase an event belongs to. */
export function tickClock(clock: PhaseClock | null, phase: string, now: number): PhaseClock {
  if (!clock || clock.phase !== phase) return { phase, startedAt: now, updates: 1 };
  return { ...clock, updates: clock.updates + 1 };
}

/** Milliseconds left in the phase, or undefined while there is too little to go on. */
export function remainingMs(clock: PhaseClock, fraction: number, now: number): number | undefined {
  const elapsed = now - clock.startedAt;
  if (clock.updates < ETA_MIN_UPDATES || elapsed < ETA_MIN_ELAPSED_MS) return undefined;
  if (!(fraction > 0) || fraction >= 1) return undefined;
  return (elapsed * (1 - fraction)) / fraction;
}

/** "about 5 s left", "about 2 min left", "about 1 h 5 min left" (rounded: it is an estimate). */
export function formatRemaining(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `about ${s} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

/** The progress tracker's promises (monotone, reaches total, throttled) and the time-left arithmetic. */
import { describe, expect, it } from 'vitest';
import {
  describeProgress,
  formatRemaining,
  progressTracker,
  remainingMs,
  tickClock,
  type Progress,
} from '../../src/core/progress';

function recorder(intervalMs = 100) {
  let t = 0;
  const events: Progress[] = [];
  const tracker = progressTracker<string>((p) => events.push(p), { intervalMs, now: () => t });
  return { tracker, events, advance: (ms: number) => (t += ms) };
}

describe('progressTracker', () => {
  it('passes a phase’s first and last event and at most one per interval in between', () => {
    const { tracker, events, advance } = recorder(100);
    tracker.start('evaluate', 1000, 'samples', 'Evaluating');
    for (let done = 10; done < 1000; done += 10) {
      advance(5);
      tracker.set('evaluate', done);
    }
    tracker.finish('evaluate');
    // 99 updates over 495 ms: the start, one per 100 ms (at 100, 200, 300, 400 ms), the finish.
    expect(events.map((e) => e.done)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(events.at(-1)).toMatchObject({ done: 1000, total: 1000, fraction: 1, unit: 'samples' });
  });

  it('never goes back within a phase, nor past its total', () => {
    const { tracker, events } = recorder(0);
    tracker.start('calibrate', 10, 'samples', 'x');
    tracker.set('calibrate', 6);
    tracker.set('calibrate', 4);
    tracker.set('calibrate', 14);
    tracker.finish('calibrate'); // said already
    expect(events.map((e) => e.done)).toEqual([0, 6, 10]);
  });

  it('keeps what a re-entered phase had done and says what a phase reached before leaving it', () => {
    const { tracker, events } = recorder(1e9);
    tracker.start('prune', 2, 'plans', 'step 1');
    tracker.set('prune', 1); // held back: the interval is not up
    tracker.start('recover', 2, 'steps', 'recovering');
    tracker.set('recover', 0.5); // held back
    tracker.start('prune', 2, 'plans', 'step 2');
    expect(events.map((e) => [e.phase, e.done])).toEqual([
      ['prune', 0],
      ['prune', 1],
      ['recover', 0],
      ['recover', 0.5],
      ['prune', 1],
    ]);
  });

  it('runs its check before every event, passed on or not (the pipeline aborts from there)', () => {
    let checks = 0;
    const tracker = progressTracker<string>(() => {}, {
      intervalMs: 1e9,
      now: () => 0,
      check: () => void checks++,
    });
    tracker.start('a', 3, 'u', 'm');
    tracker.set('a', 1);
    tracker.set('a', 2);
    expect(checks).toBe(3);
  });

  it('refuses progress for a phase that never started', () => {
    const { tracker } = recorder();
    expect(() => tracker.set('benchmark', 1)).toThrow(/before it started/);
  });
});

describe('time left', () => {
  it('says nothing before two events and a second in the phase', () => {
    let clock = tickClock(null, 'evaluate', 0);
    expect(remainingMs(clock, 0.5, 5000)).toBeUndefined(); // one event
    clock = tickClock(clock, 'evaluate', 400);
    expect(remainingMs(clock, 0.2, 900)).toBeUndefined(); // under a second
    // 2 s for a quarter: 6 s for the rest.
    expect(remainingMs(clock, 0.25, 2000)).toBe(6000);
    expect(remainingMs(clock, 0, 2000)).toBeUndefined();
    expect(remainingMs(clock, 1, 2000)).toBeUndefined();
  });

  it('restarts the clock when the phase changes', () => {
    const a = tickClock(tickClock(null, 'calibrate', 0), 'calibrate', 500);
    const b = tickClock(a, 'quantize', 3000);
    expect(b).toEqual({ phase: 'quantize', startedAt: 3000, updates: 1 });
  });

  it('reads as a rounded estimate', () => {
    expect(formatRemaining(400)).toBe('about 1 s left');
    expect(formatRemaining(12_400)).toBe('about 12 s left');
    expect(formatRemaining(150_000)).toBe('about 3 min left');
    expect(formatRemaining(3_900_000)).toBe('about 1 h 5 min left');
  });

  it('describes units done of the total, tenths only where they are', () => {
    const p = { phase: 'evaluate', unit: 'samples', message: '' };
    expect(describeProgress({ ...p, done: 3000, total: 10000, fraction: 0.3 })).toBe(
      '3,000 of 10,000 samples, 30 %',
    );
    expect(describeProgress({ ...p, unit: 'epochs', done: 1.25, total: 3, fraction: 1.25 / 3 })).toBe(
      '1.3 of 3 epochs, 41 %',
    );
  });
});

/** Progress of long calls (one shape everywhere), its throttling tracker, and the time-left estimate. */
export type { Progress } from './types';
export { describeProgress } from './describe';
export { progressTracker, type ProgressTracker, type ProgressTrackerOptions } from './tracker';
export {
  ETA_MIN_ELAPSED_MS,
  ETA_MIN_UPDATES,
  formatRemaining,
  remainingMs,
  tickClock,
  type PhaseClock,
} from './eta';

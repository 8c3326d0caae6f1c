/**
 * Pause and resume of the fine-tuning in progress. The page's Pause is a request the training loop
 * answers between two steps: it stores a checkpoint (the page saves it in IndexedDB), says it is
 * paused, and waits for Resume or Cancel. The loop never blocks the worker: other calls still answer.
 */
import type { FinetuneControl } from '../src/core/pipeline';
import type { TrainingEvent } from './run-protocol';

let pauseRequested = false;
let release: (() => void) | null = null;

export function requestPause(): void {
  pauseRequested = true;
}

export function resumeTraining(): void {
  pauseRequested = false;
  release?.();
  release = null;
}

/** Resolves after the messages already queued for this worker were handled (no timer clamping). */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Checkpoints every this many steps besides each epoch's end, so a crash loses little. */
const CHECKPOINT_EVERY = 200;

/**
 * The fine-tuning stage's control for one run: checkpoints go to the page (the loop waits until they
 * are saved), a pending pause holds the loop until Resume, and an abort ends the wait.
 */
export function finetuneControl(
  signal: AbortSignal,
  send: (event: TrainingEvent) => void | Promise<void>,
  resume: FinetuneControl['resume'],
): FinetuneControl {
  pauseRequested = false;
  release = null;
  return {
    resume,
    checkpointEvery: CHECKPOINT_EVERY,
    onEpoch: (record) => void send({ kind: 'epoch', record }),
    async onCheckpoint(checkpoint) {
      await send({ kind: 'checkpoint', checkpoint });
      if (pauseRequested)
        await send({ kind: 'paused', epoch: checkpoint.train.epoch, step: checkpoint.train.step });
    },
    async shouldPause() {
      // Training chains promises without returning to the event loop: let Pause and Cancel arrive.
      await macrotask();
      return pauseRequested;
    },
    resumed() {
      return new Promise<void>((resolve, reject) => {
        release = resolve;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
}

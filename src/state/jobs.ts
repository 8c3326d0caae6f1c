/** Job bookkeeping shared by the slices: start, update progress, finish. */
import type { StoreApi } from 'zustand/vanilla';
import type { Job, JobKind, StudioStore } from './types';

let nextJob = 1;
/** Finished jobs kept for display; older ones drop off. */
const KEEP = 20;

export interface JobHandle {
  id: number;
  progress(phase: string, fraction?: number): void;
  finish(status: Job['status'], error?: string): void;
}

export function startJob(
  store: Pick<StoreApi<StudioStore>, 'setState'>,
  kind: JobKind,
  label: string,
): JobHandle {
  const id = nextJob++;
  const patch = (fn: (job: Job) => Job) =>
    store.setState((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? fn(j) : j)) }));
  store.setState((s) => ({ jobs: [...s.jobs.slice(-(KEEP - 1)), { id, kind, label, status: 'running' }] }));
  return {
    id,
    progress: (phase, fraction) => patch((j) => ({ ...j, phase, fraction })),
    finish: (status, error) =>
      patch((j) => ({ ...j, status, error, fraction: status === 'done' ? 1 : j.fraction })),
  };
}

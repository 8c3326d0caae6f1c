/**
 * The page's side of the core worker: a comlink proxy that transfers model bytes, and replaces the
 * worker if it crashes (pending calls reject with one sentence; the store keeps its state).
 */
import { proxy, transfer, wrap, releaseProxy, type Remote } from 'comlink';
import type { CoreWorkerApi, InspectReply } from '../../workers/core.worker';
import type {
  CostsReply,
  DatasetReply,
  LatencyReply,
  OpenReply,
  PlanReply,
  PreprocessReply,
  PriorsReply,
  TaskReply,
} from '../../workers/protocol';
import type { EvaluateReply, RunReply, SensitivityReply, SweepReply } from '../../workers/run-protocol';
import type { CoreClient } from './types';

export function createCoreClient(): CoreClient {
  const pending = new Set<(err: Error) => void>();
  const restartListeners: ((reason: string) => void)[] = [];
  let worker: Worker;
  let api: Remote<CoreWorkerApi>;

  const spawn = () => {
    worker = new Worker(new URL('../../workers/core.worker.ts', import.meta.url), {
      type: 'module',
      name: 'whittle-core',
    });
    api = wrap<CoreWorkerApi>(worker);
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const reason = new Error(`The analysis worker stopped (${event.message || 'unknown error'}).`);
      for (const reject of pending) reject(reason);
      pending.clear();
      api[releaseProxy]();
      worker.terminate();
      spawn();
      for (const listener of restartListeners) listener(reason.message);
    });
  };
  spawn();

  const call = <T>(fn: (remote: Remote<CoreWorkerApi>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.add(reject);
      fn(api)
        .then(resolve, reject)
        .finally(() => pending.delete(reject));
    });

  return {
    // The buffer moves to the worker: the caller must not use `bytes` afterwards.
    inspect: (bytes) =>
      call<InspectReply>((remote) => remote.inspect(transfer(bytes, [bytes.buffer as ArrayBuffer]))),
    open: (request, onProgress) =>
      call<OpenReply>((remote) => {
        const progress = proxy(onProgress);
        const model = request.model;
        const sent = model instanceof Uint8Array ? transfer(request, [model.buffer as ArrayBuffer]) : request;
        return remote.open(sent, progress);
      }),
    layout: (expanded) => call((remote) => remote.layout(expanded)),
    openDataset: (request) => call<DatasetReply>((remote) => remote.openDataset(request)),
    checkPreprocess: (text, role) => call<PreprocessReply>((remote) => remote.checkPreprocess(text, role)),
    plan: (recipe, inputShapes) => call((remote) => remote.plan(recipe, inputShapes) as Promise<PlanReply>),
    costs: (inputShapes) => call((remote) => remote.costs(inputShapes) as Promise<CostsReply>),
    latency: (threads, again) => call((remote) => remote.latency(threads, again) as Promise<LatencyReply>),
    // comlink's Remote<> spreads a union reply into a union of promises: the casts put it back.
    run: (request, onProgress, onTraining = () => {}) =>
      call((remote) => remote.run(request, proxy(onProgress), proxy(onTraining)) as Promise<RunReply>),
    pauseTraining: () => api.pauseTraining(),
    resumeTraining: () => api.resumeTraining(),
    sweep: (request, onProgress) =>
      call((remote) => remote.sweep(request, proxy(onProgress)) as Promise<SweepReply>),
    sensitivity: (request, onProgress) =>
      call((remote) => remote.sensitivity(request, proxy(onProgress)) as Promise<SensitivityReply>),
    evaluate: (request) => call((remote) => remote.evaluate(request) as Promise<EvaluateReply>),
    task: (choice) => call((remote) => remote.task(choice) as Promise<TaskReply>),
    setPriors: (file) => call((remote) => remote.setPriors(file) as Promise<PriorsReply>),
    // Not tracked as pending: a cancel racing a crash has nothing left to cancel.
    cancel: () => api.cancel(),
    stageModel: (runId, stage) => call((remote) => remote.stageModel(runId, stage)),
    dropRun: (runId) => call((remote) => remote.dropRun(runId)),
    clearDataset: (role) => call((remote) => remote.clearDataset(role)),
    onRestart: (listener) => void restartListeners.push(listener),
    dispose() {
      api[releaseProxy]();
      worker.terminate();
    },
  };
}

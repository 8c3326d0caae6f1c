import { defaultRecipe as coreDefaults } from '../core/pipeline';
import type { DataSlot, StudioRecipe } from './types';

/** onnxruntime wasm threads: up to 4 where the page is cross-origin isolated, else 1 (no shared memory). */
export function defaultThreads(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return g.crossOriginIsolated ? Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1)) : 1;
}

/** The recipe a fresh studio starts from: a gentle 30 % per-group L1 prune and the usual INT8 scheme. */
export const defaultRecipe: StudioRecipe = {
  prune: {
    enabled: true,
    criterion: 'l1',
    ratio: 0.3,
    ranking: 'per-group',
    roundTo: 1,
    overrides: {},
    includeFirst: false,
    includeClassifier: false,
    target: 'ratio',
    macsKeep: 0.5,
    latencyKeep: 0.5,
    allocate: 'macs',
    widths: 'fixed',
    recovery: { bnRecalibration: true, biasCompensation: true, reconstruction: true },
  },
  quant: {
    enabled: true,
    perChannel: true,
    activations: 'uint8',
    calibration: 'minmax',
    samples: 256,
    accuracyBudget: 1,
    precision: 'size',
  },
  preprocess: { calibration: 'unit', evaluation: 'unit' },
  // The whole evaluation set by default: a subset's accuracy can differ by a point or more.
  evaluate: { evalLimit: null, runs: 20, threads: defaultThreads(), webgpu: true, softwareGpu: false },
  task: coreDefaults().task,
  base: coreDefaults(),
};

export const emptySlot: DataSlot = {
  dataset: null,
  error: null,
  loading: null,
  preprocessNote: null,
  preprocessError: null,
  fed: null,
};

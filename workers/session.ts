/**
 * What the core worker keeps between calls: the open model (its bytes for the pipeline, its graph and
 * analysis, its view model for relayout) and the datasets the user dropped. A failed open leaves it
 * unchanged.
 */
import type { Graph, ShapeInference } from '../src/core/graph';
import { exportModel } from '../src/core/graph';
import { encodeModel } from '../src/core/onnx';
import type { ChannelAnalysis } from '../src/core/analysis';
import type { Dataset, ValueMeta } from '../src/core/eval';
import type { ModelView } from '../src/core/view';
import type { DataRole } from './protocol';

export interface OpenSession {
  fileName: string;
  /** The file as opened; absent when it had external data (the pipeline then gets one self-contained file). */
  bytes?: Uint8Array;
  graph: Graph;
  shapes: ShapeInference;
  analysis: ChannelAnalysis;
  view: ModelView;
}

export interface WorkerSession {
  model: OpenSession | null;
  datasets: Partial<Record<DataRole, Dataset>>;
  /** SSD-style detection: priors [A, 4] from the file the user picked. */
  priors?: { name: string; values: Float32Array };
}

export const session: WorkerSession = { model: null, datasets: {} };

/** The open model's first input as the evaluation module describes inputs. */
export function firstInput(): ValueMeta | undefined {
  const input = session.model?.view.summary.inputs[0];
  if (!input) return undefined;
  return { name: input.name, type: input.dtype as ValueMeta['type'], shape: input.shape };
}

/** The open model as one self-contained ONNX file (external data folded in once, then kept). */
export function modelBytes(): Uint8Array {
  const model = session.model;
  if (!model) throw new Error('No model is open.');
  model.bytes ??= encodeModel(exportModel(model.graph));
  return model.bytes;
}

export function requireCalibration(): Dataset {
  const data = session.datasets.calibration;
  if (!data) throw new Error('Drop a calibration set (or use the sample data) before running.');
  return data;
}

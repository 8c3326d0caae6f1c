/**
 * What the core worker keeps between calls: the open model's graph (for the pipeline stages to come),
 * its view model (for relayout) and the datasets the user dropped. A failed open leaves it unchanged.
 */
import type { Graph, ShapeInference } from '../src/core/graph';
import type { ChannelAnalysis } from '../src/core/analysis';
import type { Dataset, ValueMeta } from '../src/core/eval';
import type { ModelView } from '../src/core/view';
import type { DataRole } from './protocol';

export interface OpenSession {
  fileName: string;
  graph: Graph;
  shapes: ShapeInference;
  analysis: ChannelAnalysis;
  view: ModelView;
}

export interface WorkerSession {
  model: OpenSession | null;
  datasets: Partial<Record<DataRole, Dataset>>;
}

export const session: WorkerSession = { model: null, datasets: {} };

/** The open model's first input as the evaluation module describes inputs. */
export function firstInput(): ValueMeta | undefined {
  const input = session.model?.view.summary.inputs[0];
  if (!input) return undefined;
  return { name: input.name, type: input.dtype as ValueMeta['type'], shape: input.shape };
}

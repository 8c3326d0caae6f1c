/**
 * Sensitivity analysis: how much a metric drops when only one group is pruned, at several ratios,
 * measured on a subset — so planning can prune insensitive groups harder.
 */
import type { ChannelAnalysis } from '../analysis';
import { evaluateModel, type Dataset, type InferenceRuntime, type PreprocessSpec } from '../eval';
import { exportModel, inferShapes, type Graph } from '../graph';
import { encodeModel } from '../onnx';
import { applyMask } from './apply/mask';
import { cloneGraph } from './clone';
import { planPruning } from './plan/plan';
import type { GroupScores, PruneRecipe, SensitivityReport } from './types';

/** A metric of a (masked) graph: higher is better. */
export type GraphMetric = (graph: Graph) => Promise<number>;

/** Top-1 accuracy of a graph on the first `limit` labelled samples of `dataset`. */
export function accuracyMetric(
  runtime: InferenceRuntime,
  dataset: Dataset,
  options: { limit?: number; preprocess?: PreprocessSpec; batchSize?: number } = {},
): GraphMetric {
  return async (graph) => {
    const session = await runtime.createSession(encodeModel(exportModel(graph)));
    try {
      const r = await evaluateModel(session, dataset, options);
      if (!r.accuracy) throw new Error(`${dataset.name} has no labels; use a fidelity metric.`);
      return r.accuracy.top1;
    } finally {
      await session.release();
    }
  };
}

/** Top-1 agreement with `reference` on the first `limit` samples (no labels needed). */
export function agreementMetric(
  runtime: InferenceRuntime,
  reference: Graph,
  dataset: Dataset,
  options: { limit?: number; preprocess?: PreprocessSpec; batchSize?: number } = {},
): GraphMetric {
  return async (graph) => {
    const [session, ref] = await Promise.all([
      runtime.createSession(encodeModel(exportModel(graph))),
      runtime.createSession(encodeModel(exportModel(reference))),
    ]);
    try {
      const r = await evaluateModel(session, dataset, { ...options, reference: ref });
      return r.fidelity!.top1Agreement;
    } finally {
      await Promise.all([session.release(), ref.release()]);
    }
  };
}

/**
 * For each group the recipe may prune (blocked, first-conv and classifier groups follow the same
 * rules as planning), the metric drop when only that group is masked at each of `ratios`.
 */
export async function analyzeSensitivity(
  graph: Graph,
  analysis: ChannelAnalysis,
  scores: GroupScores,
  metric: GraphMetric,
  options: {
    ratios?: number[];
    metricName?: SensitivityReport['metric'];
    samples?: number;
    rules?: Pick<PruneRecipe, 'includeFirst' | 'includeClassifier' | 'roundTo'>;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<SensitivityReport> {
  const ratios = options.ratios ?? [0.25, 0.5, 0.75];
  const shapes = inferShapes(graph);
  const baseline = await metric(graph);
  const probe = planPruning(graph, analysis, scores, { ratio: 0, ...options.rules }, 'given', shapes);
  const eligible = analysis.groups.filter((g) => probe.groups.find((p) => p.id === g.id)?.status === 'unchanged');
  const report: SensitivityReport = {
    metric: options.metricName ?? 'accuracy',
    baseline,
    samples: options.samples ?? 0,
    groups: [],
  };
  let done = 0;
  for (const g of eligible) {
    const drops: number[] = [];
    for (const r of ratios) {
      const plan = planPruning(graph, analysis, scores, { ratio: 0, overrides: { [g.id]: r }, ...options.rules, includeFirst: true, includeClassifier: true }, 'given', shapes);
      const masked = cloneGraph(graph);
      applyMask(masked, plan);
      drops.push(baseline - (await metric(masked)));
      options.onProgress?.(++done, eligible.length * ratios.length);
    }
    report.groups.push({ group: g.id, ratios, drops });
  }
  return report;
}

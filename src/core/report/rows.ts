import type { SampleCoverage, StageResult } from '../eval';
import type { ReportStage, StageMetricKind, StageRow } from './types';

/**
 * The figure a stage is judged by: the task's metric (top-1, mIoU, mAP@.5), or `figure` of it when
 * named (e.g. "mAP@[.5:.95]"); top-1 agreement with the original; or the lowest mean cosine over the
 * outputs against the original's.
 */
export function stageMetric(
  result: StageResult,
  metric: StageMetricKind,
  figure?: string,
): number | undefined {
  if (metric === 'accuracy')
    return (
      (figure !== undefined ? result.score?.figures[figure] : undefined) ??
      result.score?.value ??
      result.accuracy?.top1
    );
  // The original is the reference: it agrees with itself by definition and carries no fidelity record.
  if (!result.fidelity) return 1;
  return metric === 'cosine' ? result.fidelity.meanCosine : result.fidelity.top1Agreement;
}

/**
 * What the metric column is called: the task's headline metric ("mIoU", "mAP@.5") or `figure`,
 * "Top-1 accuracy", "Top-1 agreement", or "Min cosine" (outputs only).
 */
export function metricTitle(
  stages: readonly ReportStage[],
  metric: StageMetricKind,
  figure?: string,
): string {
  if (metric === 'fidelity') return 'Top-1 agreement';
  if (metric === 'cosine') return 'Min cosine';
  const name = figure ?? stages[0]?.result.score?.metric;
  return name === undefined || name === 'top-1' ? 'Top-1 accuracy' : name;
}

/** The figures a chart may plot for these stages: the task's own ("mAP@.5", "mAP@[.5:.95]") or none. */
export function metricFigures(stages: readonly ReportStage[]): string[] {
  const score = stages[0]?.result.score;
  if (!score || score.task === 'classification') return [];
  return Object.keys(score.figures).filter((k) => !Number.isNaN(score.figures[k]));
}

const share = (value: number | undefined, base: number | undefined) =>
  value !== undefined && base !== undefined && base > 0 ? 1 - value / base : undefined;

/**
 * Every stage against the first (the original): metric drop in points, speed-up per backend
 * (original median ÷ stage median), and the shares of size, weights and MACs removed.
 */
export function stageRows(
  stages: readonly ReportStage[],
  metric: StageMetricKind,
  figure?: string,
): StageRow[] {
  const original = stages[0]?.result;
  if (!original) return [];
  const base = stageMetric(original, metric, figure);
  return stages.map(({ name, label, result }) => {
    const value = stageMetric(result, metric, figure);
    // Intervals are for top-1 accuracy (the samples' hits were counted); other metrics get none.
    const top1 = metric === 'accuracy' && value !== undefined && value === result.accuracy?.top1;
    const drop = top1 ? result.sampling?.drop?.interval : undefined;
    return {
      name,
      label,
      metric: value,
      metricDrop: value !== undefined && base !== undefined ? 100 * (base - value) : undefined,
      ...(top1 && result.sampling?.top1Interval ? { metricInterval: result.sampling.top1Interval } : {}),
      ...(drop ? { dropInterval: { low: 100 * drop.low, high: 100 * drop.high } } : {}),
      latency: result.latency.map((l) => {
        const ref = original.latency.find((o) => o.backend === l.backend);
        return { backend: l.backend, medianMs: l.medianMs, speedup: ref ? ref.medianMs / l.medianMs : 1 };
      }),
      bytes: result.modelBytes,
      sizeReduction: share(result.modelBytes, original.modelBytes) ?? 0,
      parameters: result.parameters,
      weightsPruned: share(result.parameters, original.parameters),
      macs: result.macs,
      macsPruned: share(result.macs, original.macs),
    };
  });
}

const count = new Intl.NumberFormat('en-US');

/**
 * Which samples the figures came from, for tables, charts and the report: "all 10,000 samples", or
 * "1,000 of 10,000 samples (a subset: …)" naming the intervals shown. Undefined when not recorded.
 */
export function samplingNote(
  stages: readonly ReportStage[],
  { methods = true }: { methods?: boolean } = {},
): string | undefined {
  const s: SampleCoverage | undefined = stages[0]?.result.sampling;
  if (!s) return undefined;
  if (s.evaluated >= s.available) return `all ${count.format(s.available)} samples`;
  const intervals =
    methods && s.top1Interval
      ? ': 95 % intervals shown, Wilson for top-1 and paired (Bonett–Price) for the drop'
      : '';
  return `${count.format(s.evaluated)} of ${count.format(s.available)} samples (a subset${intervals})`;
}

const SHORT: Record<string, string> = {
  original: 'original',
  pruned: 'pruned',
  recovered: 'pruned + recovered',
  finetuned: 'pruned + fine-tuned',
  int8: 'INT8',
  'pruned-int8': 'pruned + INT8',
};

/** A stage's name for chart points and legends. */
export const shortStageName = (name: string): string => SHORT[name] ?? name;

/** One colour per stage, shared by the studio chart and the report. */
export const STAGE_COLORS: Readonly<Record<string, string>> = {
  original: '#475467',
  pruned: '#f79009',
  recovered: '#3b5bdb',
  finetuned: '#12b76a',
  int8: '#0ba5ec',
  'pruned-int8': '#7a2e9e',
};

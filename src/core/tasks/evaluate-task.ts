import {
  evaluateModel,
  type AccuracyResult,
  type Dataset,
  type EvaluateOptions,
  type EvaluationReport,
  type RuntimeSession,
  type TaskScore,
} from '../eval';
import { createTaskScorer } from './scorer';
import type { ResolvedTask } from './types';

/** An evaluation report with the task's score (absent when the data gives nothing to score against). */
export interface TaskReport extends EvaluationReport {
  readonly score?: TaskScore;
}

/** One pass of `session` over `dataset`: the task's metric, and fidelity when a reference is given. */
export async function evaluateTask(
  session: RuntimeSession,
  dataset: Dataset,
  task: ResolvedTask,
  options: EvaluateOptions & { reference?: RuntimeSession } = {},
): Promise<TaskReport> {
  const scorer = createTaskScorer(task, dataset);
  const outputName = task.kind === 'classification' ? task.output : options.outputName;
  const report = await evaluateModel(session, dataset, { ...options, outputName, scorer });
  const score = scorer?.score() ?? (report.accuracy ? classificationScore(report.accuracy) : undefined);
  return { ...report, ...(score ? { score } : {}) };
}

export function classificationScore(r: AccuracyResult): TaskScore {
  return {
    task: 'classification',
    metric: 'top-1',
    value: r.top1,
    figures: { 'top-1': r.top1, 'top-5': r.top5 },
    count: r.count,
  };
}

import {
  evaluateModel,
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
  return { ...report, ...(scorer ? { score: scorer.score() } : {}) };
}

import type { BatchScorer, Dataset, TaskScore } from '../eval';
import { DetectionScorer } from './detection/scorer';
import { SegmentationScorer } from './segmentation/scorer';
import type { ResolvedTask } from './types';

/** A batch scorer that can say what it measured. */
export interface TaskScorer extends BatchScorer {
  score(): TaskScore;
}

/**
 * The scorer for a segmentation or detection `task` on `dataset`, or undefined when there is nothing
 * to score against: then only fidelity to a reference is measured. Classification is scored by the
 * evaluation loop's own top-k (see {@link evaluateTask}).
 */
export function createTaskScorer(task: ResolvedTask, dataset: Dataset): TaskScorer | undefined {
  switch (task.kind) {
    case 'classification':
      return undefined;
    case 'segmentation':
      return dataset.targets?.kind === 'masks'
        ? new SegmentationScorer(task.output, task.ignoreIndex, dataset)
        : undefined;
    case 'detection':
      return dataset.targets?.kind === 'boxes' ? new DetectionScorer(task.detection, dataset) : undefined;
    case 'outputs':
      return undefined;
  }
}

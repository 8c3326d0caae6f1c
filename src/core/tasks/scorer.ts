import { TopKAccumulator, type BatchScorer, type Dataset, type TaskScore, type TensorData } from '../eval';
import { DetectionScorer } from './detection/scorer';
import { SegmentationScorer } from './segmentation/scorer';
import type { ResolvedTask } from './types';

/** A batch scorer that can say what it measured. */
export interface TaskScorer extends BatchScorer {
  score(): TaskScore;
}

/**
 * The scorer for `task` on `dataset`, or undefined when there is nothing to score against (an
 * unlabelled set, or the outputs-only task): then only fidelity to a reference is measured.
 */
export function createTaskScorer(task: ResolvedTask, dataset: Dataset): TaskScorer | undefined {
  switch (task.kind) {
    case 'classification':
      return dataset.labels ? new ClassificationScorer(task.output, dataset.labels, dataset.name) : undefined;
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

class ClassificationScorer implements TaskScorer {
  readonly outputs: readonly string[];
  private readonly topK: TopKAccumulator;

  constructor(
    private readonly output: string,
    private readonly labels: Int32Array,
    datasetName: string,
  ) {
    this.outputs = [output];
    this.topK = new TopKAccumulator(datasetName);
  }

  add(
    outputs: Readonly<Record<string, TensorData>>,
    batch: { dims: readonly number[]; start: number },
  ): void {
    const n = batch.dims[0];
    const logits = outputs[this.output].data as Float32Array;
    this.topK.add(logits, logits.length / n, this.labels.subarray(batch.start, batch.start + n));
  }

  score(): TaskScore {
    const r = this.topK.result();
    return {
      task: 'classification',
      metric: 'top-1',
      value: r.top1,
      figures: { 'top-1': r.top1, 'top-5': r.top5 },
      count: r.count,
    };
  }
}

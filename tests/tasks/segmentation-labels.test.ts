/** A mask value outside the output's classes (and not the ignore index) is refused, naming the sample. */
import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetBatch, Mask, ResolvedPreprocess } from '../../src/core/eval';
import { TaskError } from '../../src/core/tasks';
import { SegmentationScorer } from '../../src/core/tasks/segmentation/scorer';

const C = 3;
const H = 4;
const W = 4;

function scorerFor(masks: Mask[]) {
  const dataset = {
    name: 'masks.npz',
    targets: { kind: 'masks', read: async (start: number, n: number) => masks.slice(start, start + n) },
  } as unknown as Dataset;
  return new SegmentationScorer('logits', 255, dataset);
}

/** Logits whose argmax is class 1 everywhere. */
function outputs(n: number) {
  const data = new Float32Array(n * C * H * W);
  for (let i = 0; i < n; i++) data.fill(1, (i * C + 1) * H * W, (i * C + 2) * H * W);
  return { logits: { type: 'float32', data, dims: [n, C, H, W] } } as const;
}

const pre = { height: H, width: W } as ResolvedPreprocess;
const mask = (values: number[]): Mask => ({ width: W, height: H, data: Uint8Array.from(values) });

describe('segmentation mask labels', () => {
  it('scores classes and skips the ignore index', async () => {
    const scorer = scorerFor([mask([...new Array(8).fill(1), ...new Array(8).fill(255)])]);
    await scorer.add(outputs(1), { start: 0 } as DatasetBatch, pre);
    const score = scorer.score();
    expect(score.figures['pixel accuracy']).toBe(1);
    expect(score.count).toBe(1);
  });

  it('refuses a value beyond the classes, naming the sample in a later batch', async () => {
    const good = mask(new Array(16).fill(0));
    const bad = mask([...new Array(15).fill(0), 3]);
    const scorer = scorerFor([good, good, bad]);
    await scorer.add(outputs(2), { start: 0 } as DatasetBatch, pre);
    const failing = scorer.add(outputs(1), { start: 2 } as DatasetBatch, pre);
    await expect(failing).rejects.toThrow(TaskError);
    await expect(failing).rejects.toThrow(
      "The mask of sample 2 in masks.npz has value 3, outside the model's 3 classes (0–2) and not the ignore index 255.",
    );
  });
});

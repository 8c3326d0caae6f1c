import { describe, expect, it } from 'vitest';
import type { Dataset, ValueMeta } from '../../src/core/eval';
import { DEFAULT_TASK, resolveTask, TaskError } from '../../src/core/tasks';

const out = (name: string, shape: (number | string)[]): ValueMeta => ({ name, type: 'float32', shape });
const data = (extra: Partial<Dataset>): Dataset => ({
  name: 'd',
  description: 'd',
  size: 1,
  sampleKind: 'image',
  read: async () => [],
  ...extra,
});

describe('task guess', () => {
  it.each([
    [[out('logits', ['N', 10])], 'classification'],
    [[out('logits', ['N', 21, 96, 96])], 'segmentation'],
    [[out('output', ['N', 84, 8400])], 'detection'],
    [[out('output', ['N', 8400, 85])], 'detection'],
    [[out('boxes', ['N', 100, 4]), out('scores', ['N', 100, 3])], 'detection'],
    [[out('map', ['N', 1, 'H', 'W']), out('x', ['N', 5])], 'outputs'],
  ])('reads %j as %s', (outputs, kind) => {
    expect(resolveTask(DEFAULT_TASK, outputs).task.kind).toBe(kind);
  });

  it('lets the data decide before the shapes, and says why', () => {
    const outputs = [out('logits', ['N', 10])];
    const masks = data({ targets: { kind: 'masks', read: async () => [] } });
    expect(resolveTask(DEFAULT_TASK, outputs, masks)).toMatchObject({
      task: { kind: 'segmentation', output: 'logits', ignoreIndex: 255 },
      reason: 'the data has masks',
    });
    const labelled = data({ labels: new Int32Array(1) });
    expect(resolveTask(DEFAULT_TASK, [out('x', ['N', 3, 4, 5, 6])], labelled).task.kind).toBe(
      'classification',
    );
  });

  it('makes two heads SSD-style when priors are given, boxes first', () => {
    const outputs = [out('cls_logits', ['N', 8732, 91]), out('bbox_regression', ['N', 8732, 4])];
    const priors = new Float32Array(8732 * 4);
    const t = resolveTask(DEFAULT_TASK, outputs, undefined, priors).task;
    expect(t.kind === 'detection' && t.detection.format).toBe('ssd');
    expect(t.kind === 'detection' && t.detection.outputs).toEqual(['bbox_regression', 'cls_logits']);
  });

  it('obeys an override, and refuses one the outputs cannot serve', () => {
    const outputs = [out('logits', ['N', 21, 96, 96])];
    expect(resolveTask({ ...DEFAULT_TASK, kind: 'outputs' }, outputs)).toEqual({
      task: { kind: 'outputs' },
      reason: 'the recipe names outputs',
    });
    expect(() =>
      resolveTask(
        { ...DEFAULT_TASK, kind: 'detection', detection: { ...DEFAULT_TASK.detection, format: 'ssd' } },
        outputs,
      ),
    ).toThrow(TaskError);
    expect(() => resolveTask({ ...DEFAULT_TASK, kind: 'detection' }, outputs)).toThrow(
      /Cannot tell how to read detections from outputs logits \[N, 21, 96, 96\]/,
    );
  });
});

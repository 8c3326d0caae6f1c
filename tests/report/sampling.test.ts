/**
 * A subset is marked as one wherever results are shown: the report's facts, table and chart, and the
 * studio's stage table, each with the 95 % intervals; a whole-set run says "all N" and shows none.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { latencyStats } from './latency-stats';
import {
  pairedDropInterval,
  sampleCoverage,
  wilsonInterval,
  type StageResult,
} from '../../src/core/eval';
import { defaultRecipe } from '../../src/core/pipeline';
import { buildReport, samplingNote, stageRows, type ReportInput } from '../../src/core/report';
import type { RunRecord } from '../../src/state';
import { StageTable } from '../../src/ui/results/StageTable';

const latency = (medianMs: number) => latencyStats(medianMs);

// 1,000 samples: the original gets 916 right; the pruned model loses 30 of those and gains 10 others.
const originalHits = new Uint8Array(1000).fill(1, 0, 916);
const prunedHits = originalHits.slice();
prunedHits.fill(0, 0, 30);
prunedHits.fill(1, 916, 926);

function stages(available: number) {
  const result = (top1: number, ms: number, sampling: StageResult['sampling']): StageResult => ({
    stage: '',
    modelBytes: 1000,
    accuracy: { top1, top5: 1, count: 1000 },
    sampling,
    latency: [latency(ms)],
    timeMs: 1,
  });
  return [
    {
      name: 'original',
      label: 'original (FP32)',
      result: result(0.916, 1, sampleCoverage(1000, available, originalHits)),
    },
    {
      name: 'pruned',
      label: 'pruned 30 %',
      result: result(0.896, 0.6, sampleCoverage(1000, available, prunedHits, originalHits)),
    },
  ];
}

const report = (available: number) => {
  const input: ReportInput = {
    modelFile: 'm.onnx',
    createdAt: '2026-11-30T12:00:00.000Z',
    metric: 'accuracy',
    samples: 1000,
    datasets: { calibration: 'calib', evaluation: 'test' },
    runtime: { backend: 'wasm', threads: 1 },
    kernels: 'wasm',
    latencyBackends: ['wasm'],
    notes: [],
    stages: stages(available),
    recipe: defaultRecipe(),
  };
  return buildReport(input);
};

const table = (available: number) => {
  // Only what the table reads of a run; the rest of a summary does not reach it.
  const run = {
    id: 1,
    label: 'Run 1',
    modelFile: 'm.onnx',
    finishedAt: '',
    summary: { stages: stages(available), metric: 'accuracy', latencyBackends: ['wasm'], final: 'pruned' },
  } as unknown as RunRecord;
  return renderToStaticMarkup(createElement(StageTable, { run, onDownload: () => {} }));
};

describe('a subset, marked', () => {
  const accuracy = wilsonInterval(916, 1000); // 89.72–93.16 %
  const drop = pairedDropInterval(30, 10, 1000); // 0.73–3.26 points

  it('gives each row its intervals: top-1 in fractions, the paired drop in points', () => {
    const rows = stageRows(stages(10_000), 'accuracy');
    expect(rows[0].metricInterval).toEqual(accuracy);
    expect(rows[0].dropInterval).toBeUndefined();
    expect(rows[1].metricDrop).toBeCloseTo(2, 10);
    expect(rows[1].dropInterval!.low).toBeCloseTo(100 * drop.low, 10);
    expect(rows[1].dropInterval!.high).toBeCloseTo(100 * drop.high, 10);
  });

  it('in the report: the facts, each figure’s interval and an error bar per point', () => {
    const html = report(10_000);
    expect(html).toContain(
      '<span data-sampling>1,000 of 10,000 samples (a subset: 95 % intervals shown, Wilson for top-1 and paired (Bonett–Price) for the drop)</span>',
    );
    expect(html).toContain('91.60 %<div class="sub ci">95 %: 89.7–93.2 %</div>');
    expect(html).toContain('−2.00 pt<div class="sub ci">95 %: −0.73 pt to −3.26 pt</div>');
    expect(html.match(/class="error-bar"/g)).toHaveLength(2);
  });

  it('in the studio’s table: the sentence and both intervals', () => {
    const html = table(10_000);
    expect(html).toContain(
      'Evaluated on 1,000 of 10,000 samples (a subset: 95 % intervals shown, Wilson for top-1 and paired (Bonett–Price) for the drop).',
    );
    expect(html).toContain('95 %: 89.7–93.2 %</span>');
    expect(html).toContain(
      '−2.00<span class="interval" data-testid="stage-interval" title="95 % interval on this subset">95 %: −0.73 to −3.26</span>',
    );
    expect(html.match(/data-testid="stage-interval"/g)).toHaveLength(3);
  });
});

describe('the whole set', () => {
  it('says "all N" and shows no interval, in the report and the table', () => {
    expect(samplingNote(stages(1000))).toBe('all 1,000 samples');
    const html = report(1000);
    expect(html).toContain('<span data-sampling>all 1,000 samples</span>');
    expect(html).not.toContain('95 %');
    expect(html).not.toContain('error-bar');
    const t = table(1000);
    expect(t).toContain('Evaluated on all 1,000 samples.');
    expect(t).not.toContain('stage-interval');
  });
});

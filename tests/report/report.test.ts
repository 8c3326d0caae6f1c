import { describe, expect, it } from 'vitest';
import { latencyStats } from './latency-stats';
import type { StageResult } from '../../src/core/eval';
import { defaultRecipe } from '../../src/core/pipeline';
import { buildReport, niceTicks, stageRows, type ReportInput } from '../../src/core/report';
import { fidelityOverOutputs } from '../../src/core/eval';

const FIGURES = { top1Agreement: 0.97, meanCosine: 0.99, sqnrDb: 20, maxAbsError: 1, count: 1000 };
const BOXES = { top1Agreement: 0.99, meanCosine: 0.95, sqnrDb: 12.5, maxAbsError: 2, count: 1000 };

const latency = (backend: 'wasm' | 'webgpu', medianMs: number) => latencyStats(medianMs, backend);

const stage = (
  name: string,
  label: string,
  top1: number,
  bytes: number,
  parameters: number,
  macs: number,
  ms: [number, number],
): { name: string; label: string; result: StageResult } => ({
  name,
  label,
  result: {
    stage: label,
    modelBytes: bytes,
    parameters,
    macs,
    accuracy: { top1, top5: 1, count: 1000 },
    ...(name === 'original'
      ? {}
      : { fidelity: fidelityOverOutputs([{ output: 'logits', ...FIGURES }, { output: 'boxes', ...BOXES }]) }),
    latency: [latency('wasm', ms[0]), latency('webgpu', ms[1])],
    timeMs: 10,
  },
});

const stages = [
  stage('original', 'original (FP32)', 0.916, 315_023, 77_418, 9_345_920, [0.8, 20]),
  stage(
    'recovered',
    'pruned 51% MACs + recovered (compensate, bn)',
    0.9,
    160_000,
    38_000,
    4_600_000,
    [0.5, 18],
  ),
  stage(
    'pruned-int8',
    'pruned 51% MACs + recovered + INT8 <b>',
    0.897,
    52_000,
    38_000,
    4_600_000,
    [0.25, 40],
  ),
];

const input: ReportInput = {
  modelFile: 'fmnist-resnet8.onnx',
  createdAt: '2026-11-26T12:00:00.000Z',
  metric: 'accuracy',
  samples: 1000,
  datasets: { calibration: 'fmnist-calib', evaluation: 'fmnist-test' },
  runtime: { backend: 'wasm', threads: 2 },
  kernels: 'wasm',
  latencyBackends: ['wasm', 'webgpu'],
  webgpuAdapter: 'google swiftshader (software fallback)',
  notes: ['WebGPU ran on a software adapter: its timings say nothing about a real GPU.'],
  stages,
  recipe: defaultRecipe(),
  sweep: {
    metric: 'accuracy',
    points: [
      { ratio: 0, metric: 0.916, parameters: 77_418, macs: 9_345_920, bytes: 315_023 },
      { ratio: 0.4, metric: 0.9, parameters: 40_000, macs: 5_000_000, bytes: 170_000 },
    ],
  },
};

describe('stage rows', () => {
  it('measures every stage against the original', () => {
    const rows = stageRows(stages, 'accuracy');
    expect(rows[0]).toMatchObject({ metricDrop: 0, sizeReduction: 0, weightsPruned: 0, macsPruned: 0 });
    expect(rows[1].metricDrop).toBeCloseTo(1.6, 10);
    expect(rows[2].sizeReduction).toBeCloseTo(1 - 52_000 / 315_023, 12);
    expect(rows[2].weightsPruned).toBeCloseTo(1 - 38_000 / 77_418, 12);
    expect(rows[2].macsPruned).toBeCloseTo(1 - 4_600_000 / 9_345_920, 12);
    expect(rows[2].latency).toEqual([
      { backend: 'wasm', medianMs: 0.25, speedup: 3.2 },
      { backend: 'webgpu', medianMs: 40, speedup: 0.5 },
    ]);
  });

  it('scores by top-1 agreement without labels; the original agrees with itself', () => {
    const rows = stageRows(stages, 'fidelity');
    expect(rows.map((r) => r.metric)).toEqual([1, 0.97, 0.97]);
    expect(rows[1].metricDrop).toBeCloseTo(3, 10);
  });
});

describe('HTML report', () => {
  const html = buildReport(input);

  it('is one self-contained document: no script, no external reference', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    expect(html).not.toMatch(/href="http/);
  });

  it('holds the per-stage table in the seed form', () => {
    for (const h of [
      'Top-1 accuracy',
      'Accuracy drop',
      'Size reduction',
      'Weights pruned',
      'MACs pruned',
      'Latency (wasm)',
      'Latency (webgpu)',
    ])
      expect(html).toContain(`<th scope="col">${h}</th>`);
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(3);
    expect(html).toContain('91.60 %');
    expect(html).toContain('−1.90 pt'); // 91.6 → 89.7
    expect(html).toContain('9,345,920');
    expect(html).toContain('3.20×');
  });

  it('names the fidelity of every output of every stage', () => {
    const section = html.slice(html.indexOf('Fidelity to the original, per output'));
    expect(section.match(/<td>logits<\/td>/g)).toHaveLength(2);
    expect(section.match(/<td>boxes<\/td>/g)).toHaveLength(2);
    expect(section).toContain('12.50 dB');
    expect(section).toContain('0.950000');
  });

  it('draws one chart per backend with one point per stage, plus the sweep', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(3);
    expect(svgs[0]).toContain('median wasm latency');
    expect(svgs[1]).toContain('median webgpu latency');
    for (const svg of svgs.slice(0, 2)) expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svgs[2].match(/<circle/g)).toHaveLength(2);
    expect(svgs[2]).toContain('<polyline');
  });

  it('escapes names and carries the recipe', () => {
    expect(html).toContain('INT8 &lt;b&gt;');
    expect(html).not.toContain('INT8 <b>');
    expect(html).toContain('&quot;version&quot;: 1');
    expect(html).toContain('software adapter');
  });
});

describe('chart ticks', () => {
  it('are round numbers covering the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(88.3, 92.1)).toEqual([88, 89, 90, 91, 92, 93]);
  });
});

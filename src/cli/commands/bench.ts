/** `whittle bench MODEL [MODEL…]`: latency of one or more models, interleaved so drift cancels. */
import { basename } from 'node:path';
import {
  compareLatency,
  createOrtRuntime,
  type Backend,
  type InferenceRuntime,
  type LatencyComparison,
} from '../../core/eval';
import { defineCommand } from '../command';
import { readModelFile } from '../model-file';

const BACKENDS = ['wasm', 'webgpu', 'native'] as const;

export const { summary, run } = defineCommand({
  name: 'bench',
  summary: 'latency of models on a backend: median, p10, p90, ratios between them',
  usage: `Usage: whittle bench MODEL.onnx [MODEL.onnx …] [options]

  --backend B     wasm (default), webgpu (browsers only) or native (onnxruntime-node)
  --threads N     intra-op threads
  --runs N        timed runs per model (default 30)
  --warmup N      untimed runs per model first (default 5)
  --batch N       batch size for a symbolic batch dim (default 1)
  --json          print the results as JSON

Models run in turn, one run each per round (A B A B …); ratios are medians of per-round ratios.`,
  options: {
    backend: { type: 'string' },
    threads: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals, fail, choice, integer }) {
    if (positionals.length === 0) fail('missing MODEL.onnx path; see `whittle bench --help`.');
    const backend: Backend = choice('backend', BACKENDS);
    const threads = integer('threads');
    const runs = integer('runs') ?? 30;
    const warmup = integer('warmup', 0) ?? 5;
    const batch = integer('batch') ?? 1;

    const models = await Promise.all(
      positionals.map(async (path) => ({
        label: basename(path),
        bytes: (await readModelFile(path)).bytes,
      })),
    );
    let runtime: InferenceRuntime;
    try {
      runtime = await createOrtRuntime({ backend, threads });
    } catch (e) {
      return fail((e as Error).message);
    }
    let result: LatencyComparison;
    try {
      result = await compareLatency(runtime, models, { runs, warmup, batch });
    } catch (e) {
      return fail((e as Error).message.split('\n', 1)[0]);
    }
    console.log(values.json ? JSON.stringify(result, null, 2) : formatTable(result));
    return 0;
  },
});

function formatTable({ models, ratios }: LatencyComparison): string {
  const first = models[0];
  const lines = [
    `${first.backend}, ${first.threads} thread${first.threads === 1 ? '' : 's'}, batch ${first.batch}, ${first.warmup} warm-up + ${first.runs} runs each, interleaved`,
  ];
  const header = ['model', 'bytes', 'create ms', 'median ms', 'p10 ms', 'p90 ms', 'samples/s'];
  const rows = models.map((m) => [
    m.label,
    String(m.modelBytes),
    m.sessionCreateMs.toFixed(1),
    m.medianMs.toFixed(3),
    m.p10Ms.toFixed(3),
    m.p90Ms.toFixed(3),
    m.samplesPerSecond.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows])
    lines.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  for (const r of ratios) lines.push(`${r.b} / ${r.a}: ×${r.ratio.toFixed(3)} (median per-round ratio)`);
  return lines.join('\n');
}

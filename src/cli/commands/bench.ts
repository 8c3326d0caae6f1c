/** `whittle bench MODEL [MODEL…]`: latency of one or more models, interleaved so drift cancels. */
import { basename } from 'node:path';
import {
  compareLatency,
  createOrtRuntime,
  type Backend,
  type InferenceRuntime,
  type LatencyComparison,
} from '../../core/eval';
import { parseCommandArgs } from '../args';
import { UserError } from '../errors';
import { readModelFile } from '../model-file';

export const summary = 'latency of models on a backend: median, p10, p90, ratios between them';

const usage = `Usage: whittle bench MODEL.onnx [MODEL.onnx …] [options]

  --backend B     wasm (default), webgpu (browsers only) or native (onnxruntime-node)
  --threads N     intra-op threads
  --runs N        timed runs per model (default 30)
  --warmup N      untimed runs per model first (default 5)
  --batch N       batch size for a symbolic batch dim (default 1)
  --json          print the results as JSON

Models run in turn, one run each per round (A B A B …); ratios are medians of per-round ratios.`;

const BACKENDS: readonly string[] = ['wasm', 'webgpu', 'native'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('bench', argv, {
    backend: { type: 'string' },
    threads: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length === 0)
    throw new UserError('bench: missing MODEL.onnx path; see `whittle bench --help`.');
  const backend = values.backend ?? 'wasm';
  if (!BACKENDS.includes(backend))
    throw new UserError(`bench: --backend must be wasm, webgpu or native, not "${backend}".`);
  const threads = count('threads', values.threads, 1);
  const runs = count('runs', values.runs, 1) ?? 30;
  const warmup = count('warmup', values.warmup, 0) ?? 5;
  const batch = count('batch', values.batch, 1) ?? 1;

  const models = await Promise.all(
    positionals.map(async (path) => ({ label: basename(path), bytes: (await readModelFile(path)).bytes })),
  );
  let runtime: InferenceRuntime;
  try {
    runtime = await createOrtRuntime({ backend: backend as Backend, threads });
  } catch (e) {
    throw new UserError(`bench: ${(e as Error).message}`);
  }
  let result: LatencyComparison;
  try {
    result = await compareLatency(runtime, models, { runs, warmup, batch });
  } catch (e) {
    throw new UserError(`bench: ${(e as Error).message.split('\n', 1)[0]}`);
  }
  console.log(values.json ? JSON.stringify(result, null, 2) : formatTable(result));
  return 0;
}

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

function count(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`bench: --${flag} must be an integer ≥ ${min}, not "${text}".`);
  return n;
}

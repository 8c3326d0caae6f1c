/** The stage table the pipeline benches print: accuracy, drop, size, MACs and latency per stage. */
import type { PipelineResult } from '../src/core/pipeline';

const pct = (x: number) => (100 * x).toFixed(2);

export function printStageTable(name: string, description: string, r: PipelineResult): void {
  const base = r.stages[0].result;
  console.log(`\n${name}  (recipe: ${description})`);
  const header = [
    'stage',
    'top-1 %',
    'drop pt',
    'bytes',
    'smaller',
    'MACs',
    'MACs cut',
    'median ms',
    'faster',
  ];
  const rows = r.stages.map((s) => {
    const x = s.result;
    return [
      s.label,
      pct(x.accuracy!.top1),
      (100 * (base.accuracy!.top1 - x.accuracy!.top1)).toFixed(2),
      String(x.modelBytes),
      `${(base.modelBytes / x.modelBytes).toFixed(2)}×`,
      String(x.macs),
      `${pct(1 - x.macs! / base.macs!)}%`,
      x.latency[0].medianMs.toFixed(3),
      `${(base.latency[0].medianMs / x.latency[0].medianMs).toFixed(2)}×`,
    ];
  });
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  '));
}

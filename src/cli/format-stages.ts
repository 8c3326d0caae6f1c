import type { PipelineResult } from '../core/pipeline';
import { describeFloatBias } from '../core/quant';
import { formatProfile } from './format-profile';
import { samplingNote } from '../core/report';

const n = new Intl.NumberFormat('en-US');
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The per-stage table of `whittle optimize`: metric, latency, size, MACs, parameters, ratios. */
export function formatStages(result: PipelineResult): string {
  const [first] = result.stages;
  const base = first.result;
  const rows = result.stages.map((s) => {
    const r = s.result;
    const metric = r.score
      ? `${r.score.metric} ${pct(r.score.value)}`
      : r.accuracy
        ? `top-1 ${pct(r.accuracy.top1)}`
        : r.fidelity
          ? `agree ${pct(r.fidelity.top1Agreement)}`
          : '—';
    // A subset's 95 % interval of top-1 (Wilson), as in the studio's table and the report.
    const ci = r.sampling?.top1Interval;
    const range = ci ? ` [${(100 * ci.low).toFixed(1)}, ${(100 * ci.high).toFixed(1)}]` : '';
    const lat = r.latency.map((l) => `${l.medianMs.toFixed(3)} ms ${l.backend}`).join(', ');
    const speed =
      r.latency[0] && base.latency[0]
        ? `${(base.latency[0].medianMs / r.latency[0].medianMs).toFixed(2)}×`
        : '';
    const size = `${n.format(r.modelBytes)} B (${(base.modelBytes / r.modelBytes).toFixed(2)}×)`;
    const macs =
      r.macs !== undefined && base.macs ? `${n.format(r.macs)} (−${pct(1 - r.macs / base.macs)})` : '';
    return [
      s.label,
      metric + range,
      `${lat} ${speed}`,
      size,
      macs,
      r.parameters !== undefined ? n.format(r.parameters) : '',
    ];
  });
  const header = ['stage', 'metric', 'latency (speed-up)', 'size (smaller)', 'MACs', 'parameters'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  lines.push('', `Task: ${result.task.kind} (${result.task.reason})`);
  const sampling = samplingNote(result.stages);
  if (sampling) lines.push(`Evaluated on ${sampling}`);
  if (result.measuredOn) lines.push(result.measuredOn);
  if (result.assumptions) lines.push(`Assumed: ${result.assumptions}`);
  const kept = new Map<string, number>();
  for (const k of result.keptFloat) {
    const key = `${k.stage} — ${k.reason}`;
    kept.set(key, (kept.get(key) ?? 0) + 1);
  }
  for (const [key, count] of kept) lines.push(`${key}: ${count} node${count === 1 ? '' : 's'}`);
  for (const b of result.floatBiases) lines.push(`Warning (${b.stage}): ${describeFloatBias(b)}`);
  lines.push(...formatProfile(result));
  return lines.join('\n');
}

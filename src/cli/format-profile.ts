/** The profile's decisions as text: precision per node, measured widths, the latency target. */
import type { PipelineResult } from '../core/pipeline';
import { describeWholeModel, type GroupWidth, type PrecisionChoice } from '../core/profile';

export function formatPrecision(choice: PrecisionChoice & { stage?: string }): string[] {
  const int8 = choice.nodes.filter((n) => n.precision === 'int8').length;
  const p = choice.predictedMs;
  const lines = [
    `Precision (${choice.stage ?? 'model'}, ${choice.mode}, timed on ${choice.runtime}): INT8 on ${int8} of ${choice.nodes.length} nodes; ` +
      `profiled nodes sum to ${p.chosen.toFixed(2)} ms (all float ${p.float.toFixed(2)}, all INT8 ${p.int8.toFixed(2)})`,
  ];
  if (choice.verified)
    lines.push(`  whole model, these INT8 nodes against all float: ${describeWholeModel(choice.verified)}`);
  for (const n of choice.nodes) lines.push(`  ${n.node}  ${n.reason}`);
  return lines;
}

export function formatWidths(widths: readonly GroupWidth[]): string[] {
  return [`Widths (measured):`, ...widths.map((w) => `  ${w.group.padEnd(5)} ${w.reason}`)];
}

export function formatLatencyTarget(t: NonNullable<PipelineResult['latencyTarget']>): string {
  const measured =
    t.measuredFraction !== undefined
      ? `measured ${t.measuredMs!.toFixed(2)} ms = ${t.measuredFraction.toFixed(3)} of the original (${t.withinTolerance ? 'within' : 'NOT within'} 10 %)`
      : 'not measured';
  const replanned =
    (t.attempt ?? 1) > 1
      ? ` (run ${t.attempt}: re-planned for ${t.plannedFraction!.toFixed(3)} after the first plan missed)`
      : '';
  const runs = t.runs?.length
    ? `; runs, planned → measured: ${t.runs.map((r) => `${r.planned.toFixed(3)} → ${r.measured.toFixed(3)}`).join(', ')}`
    : '';
  return `Latency target ${t.fraction} of ${t.originalMs.toFixed(2)} ms = ${t.goalMs.toFixed(2)} ms on ${t.runtime}: planned ${t.predictedMs.toFixed(2)} ms${replanned}, ${measured}${runs}`;
}

/** Every profile section of a pipeline result. */
export function formatProfile(result: PipelineResult): string[] {
  const lines: string[] = [];
  if (result.latencyTarget) lines.push(formatLatencyTarget(result.latencyTarget));
  if (result.widths?.length) lines.push(...formatWidths(result.widths));
  for (const c of result.precision ?? []) lines.push(...formatPrecision(c));
  return lines;
}

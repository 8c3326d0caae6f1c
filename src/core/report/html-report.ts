/**
 * The self-contained HTML report of one run: what was run where, the accuracy-versus-latency chart
 * (inline SVG), the per-stage table in the seed's form (weights and MACs pruned, accuracy drop, size
 * reduction, speed-up) and the recipe. No script and no external reference: it opens offline.
 */
import { escapeHtml } from './escape';
import { fidelitySection } from './fidelity-table';
import { picturesSection } from './picture-svg';
import { taskSection } from './task-table';
import { metricTitle, samplingNote, STAGE_COLORS, shortStageName, stageRows } from './rows';
import { scatterSvg, type ChartSeries } from './svg-chart';
import type { Interval } from '../eval';
import type { ReportInput, StageRow } from './types';

const count = new Intl.NumberFormat('en-US');
const pct = (x: number | undefined, digits = 1) => (x === undefined ? '—' : `${(100 * x).toFixed(digits)} %`);
const points = (x: number | undefined) =>
  x === undefined ? '—' : `${x > 0 ? '−' : x < 0 ? '+' : '±'}${Math.abs(x).toFixed(2)} pt`;
/** A subset's 95 % interval under its figure: accuracy in %, a drop in points (signed as the drop is). */
const accuracyRange = (i: Interval | undefined) =>
  i ? `<div class="sub ci">95 %: ${(100 * i.low).toFixed(1)}–${(100 * i.high).toFixed(1)} %</div>` : '';
const dropRange = (i: Interval | undefined) =>
  i ? `<div class="sub ci">95 %: ${points(i.low)} to ${points(i.high)}</div>` : '';

/** `315023` → `307.6 KiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function latencyCells(row: StageRow, backends: readonly string[]): string {
  return backends
    .map((b) => {
      const l = row.latency.find((x) => x.backend === b);
      return l
        ? `<td class="num">${l.medianMs.toFixed(3)} ms<div class="sub">${l.speedup.toFixed(2)}×</div></td>`
        : '<td class="num">—</td>';
    })
    .join('');
}

function table(rows: readonly StageRow[], input: ReportInput): string {
  const metricName = metricTitle(input.stages, input.metric);
  const head = [
    'Stage',
    metricName,
    input.metric === 'accuracy'
      ? `${metricName === 'Top-1 accuracy' ? 'Accuracy' : metricName} drop`
      : input.metric === 'cosine'
        ? 'Cosine drop'
        : 'Agreement drop',
    ...input.latencyBackends.map((b) => `Latency (${b})`),
    'Size',
    'Size reduction',
    'Parameters',
    'Weights pruned',
    'MACs',
    'MACs pruned',
  ];
  const body = rows.map(
    (r) =>
      `<tr><th scope="row">${escapeHtml(r.label)}</th><td class="num">${pct(r.metric, 2)}${accuracyRange(r.metricInterval)}</td>` +
      `<td class="num">${points(r.metricDrop)}${dropRange(r.dropInterval)}</td>${latencyCells(r, input.latencyBackends)}` +
      `<td class="num">${formatSize(r.bytes)}<div class="sub">${count.format(r.bytes)} B</div></td>` +
      `<td class="num">${pct(r.sizeReduction)}</td>` +
      `<td class="num">${r.parameters === undefined ? '—' : count.format(r.parameters)}</td>` +
      `<td class="num">${pct(r.weightsPruned)}</td>` +
      `<td class="num">${r.macs === undefined ? '—' : count.format(r.macs)}</td>` +
      `<td class="num">${pct(r.macsPruned)}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** One chart per latency backend (their scales differ by orders of magnitude), one colour per stage. */
function charts(rows: readonly StageRow[], input: ReportInput): string {
  const yLabel = `${metricTitle(input.stages, input.metric).toLowerCase()} (%)`;
  return input.latencyBackends
    .map((b) => {
      const series: ChartSeries[] = rows.flatMap((r) => {
        const l = r.latency.find((x) => x.backend === b);
        return l && r.metric !== undefined
          ? [
              {
                name: shortStageName(r.name),
                color: STAGE_COLORS[r.name] ?? '#475467',
                points: [
                  {
                    x: l.medianMs,
                    y: 100 * r.metric,
                    label: r.label,
                    ...(r.metricInterval
                      ? { yLow: 100 * r.metricInterval.low, yHigh: 100 * r.metricInterval.high }
                      : {}),
                  },
                ],
              },
            ]
          : [];
      });
      return scatterSvg(series, {
        title: `${metricTitle(input.stages, input.metric)} against ${b} latency, one point per stage`,
        xLabel: `median ${b} latency per image (ms)`,
        yLabel,
        yMax: 100,
        pointLabels: false,
        width: 520,
        height: 320,
      });
    })
    .join('');
}

function sweepChart(input: ReportInput): string {
  if (!input.sweep?.points.length) return '';
  const svg = scatterSvg(
    [
      {
        name: 'pruned + recovered (FP32)',
        color: '#7c3aed',
        points: input.sweep.points.map((p) => ({
          x: 100 * p.ratio,
          y: 100 * p.metric,
          label: `${Math.round(100 * p.ratio)} %`,
        })),
      },
    ],
    {
      title: 'Accuracy against pruning ratio',
      xLabel: 'channels pruned (%)',
      yLabel: input.sweep.metric === 'accuracy' ? 'top-1 accuracy (%)' : 'top-1 agreement (%)',
      yMax: 100,
      lines: true,
    },
  );
  return `<section><h2>Sweep</h2>${svg}</section>`;
}

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;color:#101828;margin:32px auto;max-width:1200px;padding:0 24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.meta{color:#475467;margin:0}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eaecf0;padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:#f9fafb;font-weight:600;color:#344054}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:16px}.pictures td{padding:4px}
.sub{color:#667085;font-size:11px}pre{background:#f9fafb;border:1px solid #eaecf0;border-radius:6px;padding:12px;overflow:auto;font-size:12px}
ul{margin:4px 0;padding-left:20px}`;

const SCORED_BY: Partial<Record<ReportInput['metric'], string>> = {
  fidelity: 'top-1 agreement with the original',
  cosine: 'lowest mean cosine over the outputs against the original',
};

/** The report as one HTML document (UTF-8), built from `input` alone. */
export function buildReport(input: ReportInput): string {
  const rows = stageRows(input.stages, input.metric);
  const final = rows[rows.length - 1];
  const samples = samplingNote(input.stages) ?? `${count.format(input.samples)} samples`;
  const facts = [
    `Model <strong>${escapeHtml(input.modelFile)}</strong>`,
    `${SCORED_BY[input.metric] ?? metricTitle(input.stages, input.metric)} on <span data-sampling>${escapeHtml(samples)}</span> of ${escapeHtml(input.datasets.evaluation ?? input.datasets.calibration)}`,
    `calibration data ${escapeHtml(input.datasets.calibration)}`,
    `onnxruntime ${escapeHtml(input.runtime.backend)} (${input.runtime.threads} thread${input.runtime.threads === 1 ? '' : 's'})`,
    `Whittle kernels: ${escapeHtml(input.kernels)}`,
  ];
  if (input.task) facts.push(`task ${escapeHtml(input.task.kind)} (${escapeHtml(input.task.reason)})`);
  if (input.webgpuAdapter) facts.push(`WebGPU adapter: ${escapeHtml(input.webgpuAdapter)}`);
  const summary = final
    ? `<p>Final stage <strong>${escapeHtml(final.label)}</strong>: ${pct(final.weightsPruned)} of weights and ${pct(final.macsPruned)} of MACs pruned, size reduced by ${pct(final.sizeReduction)}, ${escapeHtml(metricTitle(input.stages, input.metric))} ${points(final.metricDrop)} against the original.</p>`
    : '';
  const notes = input.notes.length
    ? `<h2>Notes</h2><ul>${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Whittle report — ${escapeHtml(input.modelFile)}</title><style>${STYLE}</style></head>
<body><header><h1>Whittle report — ${escapeHtml(input.modelFile)}</h1>
<p class="meta">${facts.join(' · ')} · ${escapeHtml(input.createdAt)}</p></header>
${summary}
<section><h2>Accuracy against speed</h2>${rows.some((r) => r.metricInterval) ? '<p class="meta">Bars: 95 % intervals of top-1 on this subset.</p>' : ''}<div class="charts">${charts(rows, input)}</div></section>
<section><h2>Stages</h2>${table(rows, input)}</section>
${taskSection(input.stages)}
${picturesSection(input.pictures)}
${fidelitySection(input.stages)}
${sweepChart(input)}${notes}
<section><h2>Recipe</h2><pre>${escapeHtml(JSON.stringify(input.recipe, null, 2))}</pre></section>
</body></html>
`;
}

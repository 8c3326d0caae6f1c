import { escapeHtml } from './escape';
import type { ReportStage } from './types';

const sqnr = (db: number) => (Number.isFinite(db) ? `${db.toFixed(2)} dB` : '∞ (identical)');

/**
 * Fidelity to the original for every output of every stage, named per output, so a model with several
 * heads (boxes and scores, a detection map) shows which head a stage hurt. Empty when no stage was
 * compared with a reference.
 */
export function fidelitySection(stages: readonly ReportStage[]): string {
  const rows = stages.flatMap((s) =>
    (s.result.fidelity?.outputs ?? []).map(
      (o) =>
        `<tr><td>${escapeHtml(s.label)}</td><td>${escapeHtml(o.output)}</td>` +
        `<td class="num">${o.meanCosine.toFixed(6)}</td><td class="num">${sqnr(o.sqnrDb)}</td>` +
        `<td class="num">${(100 * o.top1Agreement).toFixed(2)} %</td>` +
        `<td class="num">${o.maxAbsError.toPrecision(4)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '';
  return (
    '<section><h2>Fidelity to the original, per output</h2><table><thead><tr><th>stage</th><th>output</th>' +
    '<th>mean cosine</th><th>SQNR</th><th>argmax agreement</th><th>max |error|</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

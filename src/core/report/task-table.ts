import { escapeHtml } from './escape';
import type { ReportStage } from './types';

const pct = (v: number) => (Number.isNaN(v) ? '—' : `${(100 * v).toFixed(2)} %`);

/**
 * Every figure of the task's metric per stage (mIoU and pixel accuracy; mAP@.5, mAP@[.5:.95], by area)
 * and the per-class figure (IoU or AP@.5), so a class that pruning hurt shows. Empty without a score.
 */
export function taskSection(stages: readonly ReportStage[]): string {
  const scored = stages.filter((s) => s.result.score);
  const first = scored[0]?.result.score;
  if (!first || first.task === 'classification') return '';
  const names = Object.keys(first.figures);
  const classes = first.perClass?.map((c) => c.name) ?? [];
  const head = ['stage', ...names, ...classes].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = scored.map((s) => {
    const score = s.result.score!;
    const cells = [
      ...names.map((n) => score.figures[n]),
      ...classes.map((_, k) => score.perClass?.[k]?.value ?? NaN),
    ];
    return `<tr><td>${escapeHtml(s.label)}</td>${cells.map((v) => `<td class="num">${pct(v)}</td>`).join('')}</tr>`;
  });
  const per = first.task === 'segmentation' ? 'IoU per class' : 'AP@.5 per class';
  return `<section><h2>${escapeHtml(first.task)}: every figure, ${per}</h2><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

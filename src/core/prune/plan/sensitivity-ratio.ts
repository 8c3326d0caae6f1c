import type { SensitivityReport } from '../types';

/**
 * The largest ratio at which a group's measured drop stays within `tolerance`, reading the drop
 * curve (0 at ratio 0) piecewise linearly and keeping it monotone (a later smaller drop does not
 * undo an earlier larger one). Unmeasured groups get 0.
 */
export function sensitivityRatio(report: SensitivityReport, group: string, tolerance: number): number {
  const s = report.groups.find((g) => g.group === group);
  if (!s) return 0;
  let r0 = 0;
  let d0 = 0;
  for (let i = 0; i < s.ratios.length; i++) {
    const r1 = s.ratios[i];
    const d1 = Math.max(d0, s.drops[i]);
    if (d1 > tolerance) return d1 === d0 ? r0 : r0 + ((r1 - r0) * (tolerance - d0)) / (d1 - d0);
    r0 = r1;
    d0 = d1;
  }
  return r0;
}

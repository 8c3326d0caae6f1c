/**
 * Readers of the worker's plan (see plan-slice): the plan itself and one group of it by id, indexed
 * once per plan so every row of the group list looks its group up in constant time.
 */
import type { PlanPreview, PlanState, PreviewGroup, StudioStore } from './types';

export const selectPlan = (s: StudioStore): PlanState => s.plan;
export const selectPreview = (s: StudioStore): PlanPreview | null => s.plan.preview;

const byId = new WeakMap<PlanPreview, Map<string, PreviewGroup>>();

/** The planned group `id` (undefined without a plan). */
export function plannedGroup(preview: PlanPreview | null, id: string): PreviewGroup | undefined {
  if (!preview) return undefined;
  let index = byId.get(preview);
  if (!index) byId.set(preview, (index = new Map(preview.groups.map((g) => [g.id, g]))));
  return index.get(id);
}

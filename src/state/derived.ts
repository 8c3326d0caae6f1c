/**
 * Readers of derived facts: the worker's plan (see plan-slice), one group of it by id (indexed once
 * per plan so every row of the group list looks its group up in constant time), the active run and
 * one node's measured precision in it.
 */
import type { NodePrecision } from '../core/profile';
import type { PlanPreview, PlanState, PreviewGroup, RunRecord, RunSummary, StudioStore } from './types';

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

/** The run the table shows. */
export const selectActiveRun = (s: StudioStore): RunRecord | undefined =>
  s.runs.find((r) => r.id === s.activeRun);

/**
 * Why node `name` got its precision in a run's final INT8 stage (the pruned model's when there is
 * one), when the run chose precision by measurement; undefined otherwise.
 */
export function nodePrecision(
  summary: RunSummary | undefined,
  name: string,
): { stage: string; mode: string; runtime: string; node: NodePrecision } | undefined {
  const choices = summary?.precision;
  if (!choices?.length) return undefined;
  const choice = choices.find((c) => c.stage === 'pruned-int8') ?? choices[choices.length - 1];
  const node = choice.nodes.find((n) => n.node === name);
  return node && { stage: choice.stage, mode: choice.mode, runtime: choice.runtime, node };
}

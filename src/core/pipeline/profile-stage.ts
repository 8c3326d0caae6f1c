/**
 * The pipeline's use of the latency profile, all in the runtime the user targets (the first latency
 * backend): precision per node before quantizing, measured widths while planning, and the latency
 * goal a `latencyTarget` recipe plans from.
 */
import type { InferenceRuntime } from '../eval';
import type { Graph } from '../graph';
import { cloneGraph, planPruning, type LatencyGoal, type PlanContext, type PrunePlan } from '../prune';
import {
  choosePrecision,
  chooseWidths,
  profileNodes,
  runtimeTimer,
  timeWholeModel,
  ProfileCache,
  type GroupWidth,
  type LatencyTimer,
  type PrecisionChoice,
  type PrecisionMode,
  type WholeModelTiming,
} from '../profile';
import { prepareForQuantization, type PlanOptions } from '../quant';
import type { Recipe } from './recipe';
import { quantOptionsOf } from './recipe-map';

/** One timer and one cache for a whole run: the original's timings serve the pruned model's repeats. */
export interface ProfileContext {
  readonly timer: LatencyTimer;
  readonly cache: ProfileCache;
  /** A quantized model against its float model, whole, in the same runtime (the ratio's interval too). */
  readonly wholeModel: (int8: Uint8Array, float: Uint8Array) => Promise<WholeModelTiming>;
}

/** What per-node profiling needs of the context (tests hand in a fake timer). */
export type NodeProfiling = Pick<ProfileContext, 'timer' | 'cache'>;

export function profileContext(
  runtime: InferenceRuntime,
  cache: ProfileCache | undefined,
  signal?: AbortSignal,
): ProfileContext {
  return {
    timer: runtimeTimer(runtime, { runs: 11, warmup: 2, signal }),
    cache: cache ?? new ProfileCache(),
    // More rounds than a node gets: the ratio's interval narrows with them (15 rounds: ranks 4 to 12).
    wholeModel: (int8, float) => timeWholeModel(runtime, int8, float, { runs: 15, warmup: 2, signal }),
  };
}

const schemeOf = (recipe: Recipe) => {
  const q = quantOptionsOf(recipe);
  return { activations: q.activations, perChannel: q.perChannel };
};

/** Precision per node of `graph` (float) under the recipe's mode; undefined for `size` (no profile). */
export async function choosePrecisionFor(
  graph: Graph,
  recipe: Recipe,
  ctx: NodeProfiling,
  onProgress?: (done: number, total: number) => void,
): Promise<PrecisionChoice | undefined> {
  const mode = recipe.quantize.precision;
  if (mode === 'size') return undefined;
  const prepared = prepareForQuantization(cloneGraph(graph));
  const profile = await profileNodes(prepared, {
    timer: ctx.timer,
    cache: ctx.cache,
    scheme: schemeOf(recipe),
    onProgress,
  });
  return choosePrecision(prepared, profile, mode, schemeOf(recipe));
}

/**
 * The latency goal for `fraction` of the original's latency: the original timed whole, its
 * Conv/Gemm/MatMul nodes timed alone in the precision they will get (`quantize` undefined: float),
 * and the rest (what pruning does not shrink) as the difference.
 */
export async function latencyGoalFor(
  original: Graph,
  originalBytes: Uint8Array,
  fraction: number,
  ctx: NodeProfiling,
  quantize?: { precision: PrecisionMode; scheme: Pick<PlanOptions, 'activations' | 'perChannel'> },
): Promise<{ goal: LatencyGoal; originalMs: number; precision?: PrecisionChoice }> {
  const prepared = prepareForQuantization(cloneGraph(original));
  const profile = await profileNodes(prepared, {
    timer: ctx.timer,
    cache: ctx.cache,
    scheme: quantize?.scheme,
  });
  // Timed after the profile: a fresh onnxruntime-web runs its first calls many times slower (its
  // code is still being compiled), which would set the goal far too low.
  const [originalMs] = await ctx.timer.time([originalBytes]);
  const precision =
    quantize && quantize.precision !== 'size'
      ? choosePrecision(prepared, profile, quantize.precision, quantize.scheme)
      : undefined;
  const int8 = new Set(
    quantize
      ? (precision?.nodes.filter((n) => n.precision === 'int8').map((n) => n.node) ??
          profile.nodes.map((n) => n.node))
      : [],
  );
  const nodeMs: Record<string, number> = {};
  let floatSum = 0;
  for (const n of profile.nodes) {
    if (n.opType !== 'Conv' && n.opType !== 'Gemm' && n.opType !== 'MatMul') continue;
    floatSum += n.floatMs;
    nodeMs[n.node] = int8.has(n.node) && n.int8Ms !== undefined ? n.int8Ms : n.floatMs;
  }
  return {
    goal: { goalMs: fraction * originalMs, nodeMs, fixedMs: Math.max(0, originalMs - floatSum) },
    originalMs,
    precision,
  };
}

/** The recipe's quantization as {@link latencyGoalFor} reads it (undefined when INT8 is off). */
export function quantizeFor(recipe: Recipe) {
  return recipe.quantize.enabled
    ? { precision: recipe.quantize.precision, scheme: schemeOf(recipe) }
    : undefined;
}

/**
 * A `revisePlan` hook snapping each pruned group's kept count to its measured best width, then
 * re-planning (the same planner picks which channels). `int8`: the Convs are timed as the integer
 * kernels an INT8 model runs. Under a target the planner searches (MACs or a latency goal) the snap
 * may go wider, and the re-plan reaches the target with each changed group rounded to its fast
 * multiple: snapping down alone would cut past the target the plan was made for. Under a plain
 * ratio it only narrows, with those counts fixed.
 */
export function measuredWidths(ctx: NodeProfiling, found: GroupWidth[], int8 = false) {
  return async (plan: PrunePlan, context: PlanContext): Promise<PrunePlan> => {
    const pruned = plan.groups.filter((g) => g.status === 'pruned');
    const wider = context.recipe.macsTarget !== undefined || context.recipe.latency !== undefined;
    const widths = await chooseWidths(context.graph, pruned, ctx.timer, ctx.cache, { wider, int8 });
    const moved = widths.some((w) => w.chosen !== w.planned);
    if (moved && wider) return roundedToMeasured(plan, context, widths, found);
    found.splice(0, found.length, ...widths);
    if (!moved) return plan;
    const chosen = new Map(widths.map((w) => [w.group, w.chosen]));
    const overrides: Record<string, number> = { ...context.recipe.overrides };
    for (const g of pruned) overrides[g.id] = (g.channels - (chosen.get(g.id) ?? g.keep)) / g.channels;
    return planPruning(
      context.graph,
      context.analysis,
      context.scores,
      { ...context.recipe, overrides },
      plan.criterion,
      context.shapes,
    );
  };
}

/**
 * Re-plans a MAC target or latency goal with each group whose measured best width differs from its
 * planned count rounded to the finest multiple that is as fast (see {@link GroupWidth.quantum}): the
 * target's search then sets the counts, so the target still holds. `found` reports the counts kept.
 */
function roundedToMeasured(
  plan: PrunePlan,
  context: PlanContext,
  widths: GroupWidth[],
  found: GroupWidth[],
): PrunePlan {
  const roundToGroups: Record<string, number> = { ...context.recipe.roundToGroups };
  for (const w of widths) if (w.quantum !== undefined) roundToGroups[w.group] = w.quantum;
  const revised = planPruning(
    context.graph,
    context.analysis,
    context.scores,
    { ...context.recipe, roundToGroups },
    plan.criterion,
    context.shapes,
  );
  const keep = new Map<string, number>(revised.groups.map((g) => [g.id, g.keep]));
  // Every group's count may move in the re-plan: each reports the count it now keeps.
  const replanned = (w: GroupWidth): GroupWidth => {
    const kept = keep.get(w.group) ?? w.planned;
    const q = roundToGroups[w.group];
    const how = q === undefined ? '' : ` in multiples of ${q}`;
    return kept === w.chosen && q === undefined
      ? w
      : { ...w, chosen: kept, reason: `${w.reason}; re-planned for the target${how}: ${kept}` };
  };
  found.splice(0, found.length, ...widths.map(replanned));
  return revised;
}

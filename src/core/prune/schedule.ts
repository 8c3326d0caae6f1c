/**
 * One call from a model to a pruned (masked) model: score, plan, mask, recover — once, or in K
 * progressive steps that re-rank and recover after each (the seed's progressive pruning ratio).
 */
import type { Kernels } from '../../kernels';
import { analyzeChannels } from '../analysis';
import type { InferenceRuntime } from '../eval';
import { inferShapes, type Graph } from '../graph';
import { applyMask } from './apply/mask';
import { cloneGraph } from './clone';
import { activationScores } from './criteria/activation';
import { weightScores } from './criteria/magnitude';
import { reconstructionScores } from './criteria/reconstruction';
import { planPruning } from './plan/plan';
import { reestimateBatchNorm, type BatchNormReport } from './recover/batchnorm';
import type { CalibrationBatches } from './recover/calibration';
import { compensate, type CompensationReport } from './recover/compensate';
import { reconstruct, type ReconstructOptions, type ReconstructionReport } from './recover/lsq';
import type { CriterionOptions, GroupScores, LatencyGoal, PrunePlan, PruneRecipe } from './types';

/** Step k of K aims at k/K of the way from the estimated full latency to the goal. */
function stepLatency(goal: LatencyGoal, f: number): LatencyGoal {
  const full = goal.fixedMs + Object.values(goal.nodeMs).reduce((a, b) => a + b, 0);
  return { ...goal, goalMs: full - f * (full - goal.goalMs) };
}

export interface RecoveryOptions {
  compensate?: boolean;
  lsq?: boolean;
  bn?: boolean;
  lsqOptions?: Omit<ReconstructOptions, 'kernels'>;
}

export interface PruneModelOptions {
  criterion: CriterionOptions;
  recipe: PruneRecipe;
  kernels: Kernels;
  /** Needed by the `activation` criterion and by every recovery step. */
  runtime?: InferenceRuntime;
  calibration?: CalibrationBatches;
  /** Bytes the data passes of scoring and recovery may hold (default: `DEFAULT_MEMORY_BUDGET`). */
  memoryBudget?: number;
  recover?: RecoveryOptions;
  /** Progressive steps (default 1: one shot). Step k aims at k/K of the target. */
  steps?: number;
  onStep?: (step: number, steps: number, plan: PrunePlan) => void;
  /**
   * Called with each step's masked model before recovery touches it (it is modified afterwards: copy
   * what you keep), so a caller can show the unrecovered model without planning a second time.
   */
  onMasked?: (step: number, steps: number, masked: Graph, plan: PrunePlan) => void;
  /**
   * Revises each step's plan before it is applied (the profile's measured widths): given the plan and
   * what made it, returns the plan to apply.
   */
  revisePlan?: (plan: PrunePlan, context: PlanContext) => Promise<PrunePlan>;
  /** Called as step `step` starts ranking channels. */
  onRanking?: (step: number, steps: number) => void;
  /**
   * Recovery of step `step`: `fraction` (0…1) of its methods done, each method an equal share and the
   * least-squares fit advancing layer by layer; `label` says which method and layer.
   */
  onRecovery?: (step: number, steps: number, fraction: number, label: string) => void;
}

/** What a step's plan was made from, for {@link PruneModelOptions.revisePlan}. */
export interface PlanContext {
  graph: Graph;
  analysis: ReturnType<typeof analyzeChannels>;
  scores: GroupScores;
  recipe: PruneRecipe;
  shapes: ReturnType<typeof inferShapes>;
}

export interface StepReport {
  plan: PrunePlan;
  compensation?: CompensationReport;
  reconstruction?: ReconstructionReport;
  batchNorm?: BatchNormReport;
}

/** Channel scores by the chosen criterion. */
export async function scoreChannels(
  graph: Graph,
  groups: ReturnType<typeof analyzeChannels>['groups'],
  criterion: CriterionOptions,
  kernels: Kernels,
  runtime?: InferenceRuntime,
  calibration?: CalibrationBatches,
  memoryBudget?: number,
): Promise<GroupScores> {
  if (criterion.criterion !== 'activation' && criterion.criterion !== 'reconstruction')
    return weightScores(graph, groups, criterion, kernels);
  if (!runtime || !calibration)
    throw new Error(`The ${criterion.criterion} criterion needs calibration data.`);
  if (criterion.criterion === 'reconstruction')
    return reconstructionScores(runtime, graph, groups, calibration, kernels, {
      normalize: criterion.normalize,
      memoryBudget,
    });
  return activationScores(runtime, graph, groups, calibration, criterion.normalize);
}

/**
 * Prunes `graph` by masking (the original is left alone) and recovers; returns the masked model and
 * the plan to hand to `removeChannels` for the smaller model.
 */
export async function pruneModel(
  graph: Graph,
  options: PruneModelOptions,
): Promise<{ masked: Graph; plan: PrunePlan; steps: StepReport[] }> {
  const steps = Math.max(1, options.steps ?? 1);
  const recover = options.recover ?? {};
  const needsData = recover.compensate || recover.lsq || recover.bn;
  if (needsData && (!options.runtime || !options.calibration))
    throw new Error('Recovery needs an inference runtime and calibration data.');
  let current = graph;
  let plan: PrunePlan | undefined;
  const reports: StepReport[] = [];
  const methods = [recover.compensate, recover.lsq, recover.bn].filter(Boolean).length;
  for (let k = 1; k <= steps; k++) {
    options.onRanking?.(k, steps);
    const shapes = inferShapes(current);
    const analysis = analyzeChannels(current, shapes);
    const scores = await scoreChannels(
      current,
      analysis.groups,
      options.criterion,
      options.kernels,
      options.runtime,
      options.calibration,
      options.memoryBudget,
    );
    const f = k / steps;
    const recipe: PruneRecipe = {
      ...options.recipe,
      ...(options.recipe.ratio !== undefined ? { ratio: options.recipe.ratio * f } : {}),
      ...(options.recipe.macsTarget !== undefined ? { macsTarget: options.recipe.macsTarget * f } : {}),
      ...(options.recipe.latency ? { latency: stepLatency(options.recipe.latency, f) } : {}),
      alreadyPruned: plan ? Object.fromEntries(plan.groups.map((g) => [g.id, g.prune])) : undefined,
    };
    plan = planPruning(current, analysis, scores, recipe, options.criterion.criterion, shapes);
    if (options.revisePlan)
      plan = await options.revisePlan(plan, { graph: current, analysis, scores, recipe, shapes });
    const next = cloneGraph(current);
    applyMask(next, plan);
    options.onMasked?.(k, steps, next, plan);
    const report: StepReport = { plan };
    const { runtime, calibration } = options;
    let method = 0;
    const recovering = (within: number, label: string) =>
      options.onRecovery?.(k, steps, Math.min(1, (method + within) / Math.max(1, methods)), label);
    if (recover.compensate && runtime && calibration) {
      recovering(0, "Compensating the removed channels' mean in the next layers");
      const r = await compensate(runtime, current, next, plan, calibration);
      method++;
      plan = r.plan;
      report.compensation = r.report;
    }
    if (recover.lsq && runtime && calibration) {
      const r = await reconstruct(runtime, graph, next, plan, calibration, {
        memoryBudget: options.memoryBudget,
        ...recover.lsqOptions,
        kernels: options.kernels,
        onLayer: (done, total, node) =>
          recovering(done / Math.max(1, total), `Least squares: layer ${done + 1} of ${total} (${node})`),
      });
      method++;
      plan = r.plan;
      report.reconstruction = r.report;
    }
    if (recover.bn && runtime && calibration) {
      const refitted = new Set(report.reconstruction?.layers.map((l) => l.node));
      const skip = new Set(
        next
          .nodes()
          .filter(
            (n) => n.opType === 'BatchNormalization' && refitted.has(next.producer(n.inputs[0])?.name ?? ''),
          )
          .map((n) => n.name),
      );
      recovering(0, 'Re-estimating BatchNorm statistics');
      const r = await reestimateBatchNorm(runtime, next, plan, calibration, { skip });
      method++;
      plan = r.plan;
      report.batchNorm = r.report;
    }
    if (methods) recovering(0, 'Recovered');
    report.plan = plan;
    reports.push(report);
    options.onStep?.(k, steps, plan);
    current = next;
  }
  return { masked: current, plan: plan!, steps: reports };
}

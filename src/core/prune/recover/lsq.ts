/**
 * Least-squares reconstruction (He et al., "Channel Pruning for Accelerating Very Deep Neural
 * Networks", ICCV 2017; Luo et al., ThiNet, ICCV 2017): each consumer of pruned channels gets new
 * weights on its kept inputs so that, fed the pruned network's own activations, it reproduces the
 * original network's outputs over the calibration set — layer by layer from input to output, so each
 * fit also absorbs the error of the layers before it. Closed form with ridge regularisation:
 *   W = (XᵀX + Λ)⁻¹ (XᵀY + ΛW₀),  Λ_ii = α · (XᵀX)_ii  (see `solveRidge`: each input penalised by its own
 * energy, toward the masked weights W₀ rather than toward 0),
 * X the pruned network's input patches (im2col rows for a convolution, plus a column of ones for the
 * bias), Y the original outputs at the same positions.
 */
import { privatizeShared } from '../apply/shared';
import type { Kernels } from '../../../kernels';
import { batchSlices, DEFAULT_MEMORY_BUDGET, type InferenceRuntime } from '../../eval';
import { attrFloat, attrInt, inferShapes, type Graph } from '../../graph';
import { makeTensor, tensorData } from '../../onnx';
import type { PrunePlan } from '../types';
import type { CalibrationBatches } from './calibration';
import { biasSlot } from './compensate';
import { consumerLayers, type ConsumerLayer } from './consumers';
import { convGeometry, type ConvGeometry } from './im2col';
import { ownParameter } from './own-parameter';
import { passBatchSize } from './pass-batch';
import { planBlocks } from './blocks';
import { ChunkScratch, RowChunks, emptySystem, type System } from './row-chunks';
import { SegmentRunner } from './segments';
import { solveRidge } from './ridge';
import { seededRandom } from './random';
import { gatherTargets, targetCost, type LayerTargets } from './targets';

export interface ReconstructOptions {
  kernels: Kernels;
  /** Rows (output positions) gathered per layer (default 20,000). */
  maxRows?: number;
  /** Ridge strength relative to each input's own energy, the diagonal of XᵀX (default 1e-3). */
  alpha?: number;
  /**
   * Inputs fainter than this share of the median input's energy are penalised as if they had it
   * (default 1e-2; see `solveRidge`): no giant weights on nearly dead channels.
   */
  floor?: number;
  /**
   * The model is quantized to INT8 afterwards (default false): fit for inputs that carry INT8 rounding
   * noise, E‖Y − (X + N)W‖² = ‖Y − XW‖² + rows·σ²‖W‖² with σ² = step²/12 of the input tensor's
   * per-tensor step. Least squares otherwise cancels the pruned channels' share with large weights of
   * opposite signs on correlated inputs; that fits the float model but multiplies the rounding noise
   * (MnasNet-0.5's project convs: weight norms ×4–13, pruned + INT8 cosine 0.93 against 0.997 float).
   */
  int8Inputs?: boolean;
  /** Fit the bias as well (default true); a MatMul without a following bias Add never does. */
  intercept?: boolean;
  seed?: number;
  /**
   * Bytes recovery may hold (default {@link DEFAULT_MEMORY_BUDGET}): half for the pruned model's kept
   * activations, an eighth for the original's, a quarter for the targets of a block of layers (see
   * `gatherTargets`), an eighth for one batch's run (see `passBatchSize`); with more, more layers
   * start their pass from the last layer's inputs instead of the model's (see `SegmentRunner`), fewer
   * blocks share the original's passes and batches are larger.
   */
  memoryBudget?: number;
  /** Floats of gathered rows and targets per chunk (default 4 Mi, 16 MB); fewer rows a chunk, same sums. */
  chunkFloats?: number;
  onLayer?: (done: number, total: number, node: string) => void;
}

export interface LayerFit {
  node: string;
  rows: number;
  /** Unknowns per output (kept inputs × kernel, + 1 with a bias). */
  inputs: number;
  /** ‖Y − XW‖² / ‖Y‖² with the masked weights, and with the fitted ones. */
  before: number;
  after: number;
}

export interface ReconstructionReport {
  layers: LayerFit[];
  skipped: { node: string; why: string }[];
  /**
   * Segment passes over the calibration data per model (the original's: one per block of layers), and
   * how many started from a kept cut.
   */
  passes: { pruned: number; original: number; fromCut: number };
}

/** A layer's statistics while they are accumulated. */
interface LayerState {
  l: ConsumerLayer;
  intercept: boolean;
  random: () => number;
  /** The original's outputs at the rows sampled, while the layer's block is fitted. */
  targets?: LayerTargets;
  geometry?: ConvGeometry;
  systems?: System[];
  rows: number;
  /** Range [min, max] of the layer's input tensor over the calibration data and 0 (its INT8 step). */
  range: Float32Array;
  /** Why the layer cannot be fitted, once known. */
  failed?: string;
}

/**
 * Re-fits every consumer layer of the plan in `pruned` (in place) against `teacher`'s outputs, in
 * order: each layer's inputs come from `pruned` with every layer before it already re-fitted.
 */
export async function reconstruct(
  runtime: InferenceRuntime,
  teacher: Graph,
  pruned: Graph,
  plan: PrunePlan,
  calibration: CalibrationBatches,
  options: ReconstructOptions,
): Promise<{ plan: PrunePlan; report: ReconstructionReport }> {
  plan = privatizeShared(pruned, plan);
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const shapes = inferShapes(teacher);
  const sizes: number[] = [];
  for await (const feeds of calibration()) sizes.push(Object.values(feeds)[0].dims[0]);
  const samples = sizes.reduce((a, b) => a + b, 0);
  // One batch's run gets an eighth of the budget: at 224 px that is a few samples a pass.
  const passBatch = passBatchSize(teacher, shapes, budget / 8, Math.max(1, ...sizes));
  const source: CalibrationBatches = async function* () {
    for await (const feeds of calibration()) yield* batchSlices(feeds, passBatch);
  };
  // The batches `source` yields (as `batchSlices` cuts them).
  const batches = sizes.reduce((n, size) => n + Math.max(1, Math.ceil(size / passBatch)), 0);
  // The pruned model's cut gets the larger share: its first stages' cuts (two 56×56×64 tensors of 256
  // samples at 224 px) are what let each layer's pass start where the last one ended.
  const current = new SegmentRunner(runtime, pruned, source, budget / 2, batches);
  const target = new SegmentRunner(runtime, teacher, source, budget / 8, batches);
  const maxRows = options.maxRows ?? 20000;
  const layers = consumerLayers(pruned, plan);
  const report: ReconstructionReport = {
    layers: [],
    skipped: [],
    passes: { pruned: 0, original: 0, fromCut: 0 },
  };
  const states = layers.map((l): LayerState => ({
    l,
    intercept: (options.intercept ?? true) && biasSlot(pruned, l) !== undefined,
    random: seededRandom(options.seed ?? 1),
    rows: 0,
    range: new Float32Array(2),
    ...(l.node.opType === 'Gemm' && attrInt(l.node, 'transA', 0) ? { failed: 'transposed input' } : {}),
  }));
  const fitted = states.filter((s) => !s.failed);
  const costs = fitted.map((s) =>
    targetCost(
      shapes,
      s.l.node,
      pruned.initializers.get(s.l.weight)!.dims.map(Number)[s.l.outputAxis],
      maxRows,
      samples,
    ),
  );
  const blocks = planBlocks(costs, { budget: budget / 4, batchSize: passBatch }).map((b) => b.map((i) => fitted[i]));
  let done = 0;
  const scratch = new ChunkScratch();
  for (const block of blocks) {
    const targets = await gatherTargets(
      target,
      teacher,
      block.map((s) => ({ node: s.l.node, random: s.random })),
      maxRows,
      samples,
    );
    block.forEach((s, i) => (s.targets = targets[i]));
    for (const state of block) {
      // Layers before this one that cannot be fitted are reported in order.
      for (; states[done] !== state; done++)
        report.skipped.push({ node: states[done].l.node.name, why: states[done].failed! });
      done++;
      options.onLayer?.(states.indexOf(state), layers.length, state.l.node.name);
      await accumulateLayer(current, pruned, state, options, scratch);
      state.targets = undefined;
      const fit = state.failed ?? (await solveLayer(pruned, plan, state, options));
      if (typeof fit === 'string') report.skipped.push({ node: state.l.node.name, why: fit });
      else {
        plan = fit.plan;
        report.layers.push(fit.fit);
      }
    }
  }
  for (; done < states.length; done++)
    report.skipped.push({ node: states[done].l.node.name, why: states[done].failed! });
  report.passes = {
    pruned: current.passes,
    original: target.passes,
    fromCut: current.fromCut + target.fromCut,
  };
  return { plan, report };
}

/**
 * The layer's statistics over the calibration data: its inputs from the pruned model (run up to the
 * layer), batch by batch, against the original's outputs gathered for its block.
 */
async function accumulateLayer(
  current: SegmentRunner,
  pruned: Graph,
  s: LayerState,
  options: ReconstructOptions,
  scratch: ChunkScratch,
): Promise<void> {
  const x = s.l.node.inputs[0];
  const targets = s.targets;
  if (!targets) {
    s.failed = 'only 2-D convolutions are reconstructed';
    return;
  }
  const wDims = pruned.initializers.get(s.l.weight)!.dims.map(Number);
  const totalRows = targets.picks.reduce((n, p) => n + p.length, 0);
  let rows: RowChunks | undefined;
  let batch = 0;
  for await (const values of current.advance(s.l.node, [x])) {
    const b = batch++;
    if (s.failed) continue;
    const xt = values[x];
    if (s.l.node.opType === 'Conv') {
      s.geometry ??= convGeometry(s.l.node, xt.dims, wDims, targets.dims);
      if (!s.geometry) {
        s.failed = 'only 2-D convolutions are reconstructed';
        continue;
      }
    }
    s.systems ??= makeSystems(s.l, xt.dims, wDims, s.geometry, s.intercept);
    if (options.int8Inputs) await options.kernels.minMax({ data: xt.data as Float32Array, minmax: s.range });
    rows ??= new RowChunks(s.systems, s.geometry, s.intercept, options.kernels, totalRows, options.chunkFloats, scratch);
    s.rows += await rows.add(xt, targets.picks[b], targets.rows[b], targets.outputs);
  }
  await rows?.flush();
}

/** Solves a layer's systems and writes the weights back. */
async function solveLayer(
  pruned: Graph,
  plan: PrunePlan,
  state: LayerState,
  options: ReconstructOptions,
): Promise<{ plan: PrunePlan; fit: LayerFit } | string> {
  const { l, systems, geometry, intercept } = state;
  if (!systems) return 'no calibration data';
  // Activations that overflow f32 (deep random-weight exports) make the statistics NaN or infinite:
  // the layer keeps its masked weights rather than the run stopping at a failed factorisation.
  if (!systems.every((s) => Number.isFinite(s.yy) && finite(s.gram) && finite(s.cross)))
    return 'its calibration activations overflow (statistics not finite)';
  const wT = pruned.initializers.get(l.weight)!;
  const wDims = wT.dims.map(Number);
  const alpha = options.alpha ?? 1e-3;
  const solutions: Float32Array[] = [];
  let before = 0;
  let after = 0;
  let total = 0;
  const currentW = tensorData(wT) as Float32Array;
  const bias = intercept ? currentBias(pruned, l) : undefined;
  const noise = options.int8Inputs ? state.rows * int8NoiseVariance(state.range[0], state.range[1]) : 0;
  for (let k = 0; k < systems.length; k++) {
    const s = systems[k];
    const sol = new Float32Array(s.d * s.outputs);
    // Shrunk toward the masked weights, not toward 0: where calibration rows are few (late layers of a
    // 224-px model at a few samples) the fit must not invent weights the data cannot pin down.
    const prior = currentMatrix(l, s, k, currentW, wDims, geometry, bias, intercept);
    const inputs = s.d - (intercept ? 1 : 0);
    // The rounding noise is independent of the signal: its energy adds to the Gram's diagonal (the
    // bias column of ones carries none). The residuals below are then the expected ones under INT8;
    // the noise share is taken out again so the report stays ‖Y − XW‖².
    for (let i = 0; i < inputs; i++) s.gram[i * s.d + i] += noise;
    const penalty = await solveRidge(options.kernels, {
      gram: s.gram,
      rhs: s.cross,
      size: s.d,
      cols: s.outputs,
      alpha,
      prior,
      floor: options.floor ?? 1e-2,
      intercept,
      out: sol,
    });
    solutions.push(sol);
    before += (await residual(options.kernels, s, prior)) - noise * sumSquares(prior, inputs * s.outputs);
    after +=
      (fittedResidual(s, sol, prior, penalty) ?? (await residual(options.kernels, s, sol))) -
      noise * sumSquares(sol, inputs * s.outputs);
    total += s.yy;
  }
  plan = writeBack(pruned, plan, l, systems, solutions, wDims, geometry, intercept);
  const d = systems[0].d;
  return {
    plan,
    fit: { node: l.node.name, rows: state.rows, inputs: d, before: before / total, after: after / total },
  };
}

/** Variance of uniform rounding at the 8-bit step of a range that holds 0, as the quantizer sets it. */
function int8NoiseVariance(lo: number, hi: number): number {
  const step = (Math.max(hi, 0) - Math.min(lo, 0)) / 255;
  return Number.isFinite(step) ? (step * step) / 12 : 0;
}

/** Σ a[i]² over the first `n` entries (rows of inputs, before the bias row). */
function sumSquares(a: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * a[i];
  return s;
}

function finite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function makeSystems(
  l: ConsumerLayer,
  xDims: readonly number[],
  wDims: number[],
  g: ConvGeometry | undefined,
  intercept: boolean,
): System[] {
  const extra = intercept ? 1 : 0;
  if (g) {
    const perIn = wDims[1];
    const outputs = wDims[0] / l.groups;
    return l.removed.map((removed, k) => {
      const kept: number[] = [];
      for (let j = 0; j < perIn; j++) if (!removed.has(j)) kept.push(k * perIn + j);
      return emptySystem(kept, kept.length * g.kh * g.kw + extra, outputs);
    });
  }
  const K = xDims[xDims.length - 1];
  const outputs = wDims[l.outputAxis];
  const kept: number[] = [];
  for (let i = 0; i < K; i++) if (!l.removed[0].has(i)) kept.push(i);
  return [emptySystem(kept, kept.length + extra, outputs)];
}

/** ‖Y − XW‖² = ‖Y‖² − 2·Σ W∘XᵀY + Σ W∘(XᵀX·W), the product in the kernels. */
async function residual(kernels: Kernels, s: System, w: Float32Array): Promise<number> {
  const gw = new Float32Array(s.d * s.outputs);
  await kernels.gemm({
    a: s.gram,
    b: w,
    out: gw,
    m: s.d,
    n: s.outputs,
    k: s.d,
    transA: false,
    transB: false,
    accumulate: false,
  });
  let r = s.yy;
  for (let i = 0; i < gw.length; i++) r += w[i] * (gw[i] - 2 * s.cross[i]);
  return Math.max(0, r);
}

/**
 * ‖Y − XW‖² at the ridge solution, where (XᵀX + Λ)W = XᵀY + ΛP makes XᵀX·W = XᵀY + Λ(P − W): no
 * d×d×outputs product (on a 224-px model's late layers it cost as much as the solve). The identity
 * holds for the exact W, not its f32 rounding, which it multiplies by Λ·W: undefined when that bound
 * is not small against ‖Y‖² (a heavily penalised column with a large weight), for the direct product.
 */
function fittedResidual(
  s: System,
  w: Float32Array,
  prior: Float32Array,
  penalty: Float64Array,
): number | undefined {
  let r = s.yy;
  let rounding = 0;
  for (let i = 0; i < s.d; i++)
    for (let o = 0; o < s.outputs; o++) {
      const k = i * s.outputs + o;
      r += w[k] * (penalty[i] * (prior[k] - w[k]) - s.cross[k]);
      rounding += penalty[i] * w[k] * w[k];
    }
  return rounding * 2 ** -23 > 1e-6 * s.yy ? undefined : Math.max(0, r);
}

function currentBias(graph: Graph, l: ConsumerLayer): Float32Array | undefined {
  const slot = biasSlot(graph, l);
  const name = slot ? slot.node.inputs[slot.slot] : undefined;
  const t = name ? graph.initializers.get(name) : undefined;
  if (!t) return undefined;
  const data = Float32Array.from(tensorData(t) as Float32Array);
  for (let i = 0; i < data.length; i++) data[i] *= slot!.scale;
  return data;
}

/** The layer's present weights on conv group k as a [d, outputs] matrix (bias as the last row). */
function currentMatrix(
  l: ConsumerLayer,
  s: System,
  k: number,
  w: Float32Array,
  dims: number[],
  g: ConvGeometry | undefined,
  bias: Float32Array | undefined,
  intercept: boolean,
): Float32Array {
  const m = new Float32Array(s.d * s.outputs);
  const alpha = l.node.opType === 'Gemm' ? attrFloat(l.node, 'alpha', 1) : 1;
  for (let o = 0; o < s.outputs; o++) {
    if (g) {
      const row = k * s.outputs + o;
      const kk = g.kh * g.kw;
      const perIn = dims[1];
      for (let c = 0; c < s.kept.length; c++) {
        const j = s.kept[c] - k * perIn;
        for (let q = 0; q < kk; q++) m[(c * kk + q) * s.outputs + o] = w[(row * perIn + j) * kk + q];
      }
    } else
      for (let c = 0; c < s.kept.length; c++)
        m[c * s.outputs + o] =
          alpha * (l.outputAxis === 0 ? w[o * dims[1] + s.kept[c]] : w[s.kept[c] * s.outputs + o]);
    if (intercept && bias) m[(s.d - 1) * s.outputs + o] = bias[k * s.outputs + o];
  }
  return m;
}

/** Writes the solutions into the layer's (own) weight and bias; pruned output rows stay as they are. */
function writeBack(
  graph: Graph,
  plan: PrunePlan,
  l: ConsumerLayer,
  systems: System[],
  solutions: Float32Array[],
  dims: number[],
  g: ConvGeometry | undefined,
  intercept: boolean,
): PrunePlan {
  const ownW = ownParameter(graph, plan, l.node, 1, dims)!;
  plan = ownW.plan;
  const wt = graph.initializers.get(ownW.name)!;
  const w = Float32Array.from(tensorData(wt) as Float32Array);
  const alpha = l.node.opType === 'Gemm' ? attrFloat(l.node, 'alpha', 1) : 1;
  const outputsTotal = dims[l.outputAxis];
  const biasValues = new Float64Array(outputsTotal);
  systems.forEach((s, k) => {
    const sol = solutions[k];
    for (let o = 0; o < s.outputs; o++) {
      const row = k * s.outputs + o;
      if (l.prunedOutputs.has(row)) continue;
      if (g) {
        const kk = g.kh * g.kw;
        const perIn = dims[1];
        for (let c = 0; c < s.kept.length; c++) {
          const j = s.kept[c] - k * perIn;
          for (let q = 0; q < kk; q++) w[(row * perIn + j) * kk + q] = sol[(c * kk + q) * s.outputs + o];
        }
      } else
        for (let c = 0; c < s.kept.length; c++) {
          const v = sol[c * s.outputs + o] / alpha;
          if (l.outputAxis === 0) w[o * dims[1] + s.kept[c]] = v;
          else w[s.kept[c] * s.outputs + o] = v;
        }
      if (intercept) biasValues[row] = sol[(s.d - 1) * s.outputs + o];
    }
  });
  graph.replaceInitializer(ownW.name, makeTensor(ownW.name, wt.dataType, dims, w));
  if (!intercept) return plan;
  const slot = biasSlot(graph, l)!;
  const ownB = ownParameter(graph, plan, slot.node, slot.slot, [outputsTotal]);
  if (!ownB) return plan;
  const bt = graph.initializers.get(ownB.name)!;
  const b = Float32Array.from(tensorData(bt) as Float32Array);
  for (let o = 0; o < outputsTotal; o++) if (!l.prunedOutputs.has(o)) b[o] = biasValues[o] / slot.scale;
  graph.replaceInitializer(ownB.name, makeTensor(ownB.name, bt.dataType, bt.dims.map(Number), b));
  return ownB.plan;
}

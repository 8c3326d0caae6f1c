/**
 * The `reconstruction` criterion: how much of a consumer layer's output is lost when a channel is
 * removed and the layer's other inputs are re-fitted by least squares — the quantity recovery then
 * minimises. For a linear layer y = Xw with input Gram G = XᵀX (+ a bias column, so a channel's mean is
 * free to move into the bias), removing the columns J of one channel and re-fitting the rest raises the
 * squared error by w_Jᵀ ([G⁻¹]_JJ)⁻¹ w_J per output (Hassibi & Stork, "Optimal Brain Surgeon", 1993,
 * applied per channel as in Molchanov et al. and the OBS channel pruning literature). Each layer's loss
 * is divided by its output energy ‖Y‖², so scores of different layers are comparable as they stand.
 */
import type { ChannelGroup } from '../../analysis';
import { DEFAULT_MEMORY_BUDGET, type InferenceRuntime, type TensorData } from '../../eval';
import { activationSizes, attrInt, inferShapes, type Graph, type GraphNode } from '../../graph';
import type { Kernels } from '../../../kernels';
import { memberIndices, memberReaders } from '../members';
import { planBlocks, type LayerCost } from '../recover/blocks';
import { capture, type CalibrationBatches } from '../recover/calibration';
import { convGeometry, patchArgs, type ConvGeometry } from '../recover/im2col';
import { seededRandom } from '../recover/random';
import { solveRidge } from '../recover/ridge';
import type { GroupScores, ScoreNormalization } from '../types';
import { floatWeights } from './filters';
import { normalizeScores } from './normalize';

interface LayerStats {
  node: GraphNode;
  groups: number;
  geometry?: ConvGeometry;
  /** Per conv group: d, Gram (with a ones column last), output energy. */
  systems: { d: number; gram: Float32Array; yy: number }[];
  inverse?: Float32Array[];
}

export async function reconstructionScores(
  runtime: InferenceRuntime,
  graph: Graph,
  groups: readonly ChannelGroup[],
  calibration: CalibrationBatches,
  kernels: Kernels,
  options: { maxRows?: number; alpha?: number; normalize?: ScoreNormalization; memoryBudget?: number } = {},
): Promise<GroupScores> {
  const layers = new Map<GraphNode, LayerStats>();
  for (const g of groups)
    if (g.prunable)
      for (const m of g.members)
        if (m.kind === 'parameter' && m.role === 'consumer')
          for (const r of memberReaders(graph, m))
            if (
              r.slot === 1 &&
              (r.node.opType === 'Conv' || r.node.opType === 'Gemm' || r.node.opType === 'MatMul')
            )
              layers.set(r.node, {
                node: r.node,
                groups: r.node.opType === 'Conv' ? attrInt(r.node, 'group', 1) : 1,
                systems: [],
              });
  let samples = 0;
  let batchSize = 1;
  for await (const f of calibration()) {
    const n = Object.values(f)[0].dims[0];
    samples += n;
    batchSize = Math.max(batchSize, n);
  }
  const maxRows = options.maxRows ?? 8000;
  const random = seededRandom(7);
  const scores = new Map(groups.filter((g) => g.prunable).map((g) => [g.id, new Float64Array(g.channels)]));
  // Statistics come from the original model alone, so layers can share passes freely: as many per
  // pass as one batch of their tensors and their Gram matrices fit the budget.
  const list = [...layers.values()];
  const blocks = planBlocks(layerCosts(graph, list), {
    budget: options.memoryBudget ?? DEFAULT_MEMORY_BUDGET,
    batchSize,
  });
  for (const block of blocks) {
    const stats = block.map((i) => list[i]);
    const names = stats.flatMap((l) => [l.node.inputs[0], l.node.outputs[0]]);
    for await (const { values } of capture(runtime, graph, names, calibration))
      for (const l of stats)
        await accumulate(
          graph,
          l,
          values[l.node.inputs[0]],
          values[l.node.outputs[0]],
          maxRows,
          samples,
          random,
          kernels,
        );
    for (const l of stats) {
      l.inverse = [];
      for (const s of l.systems) {
        const identity = new Float32Array(s.d * s.d);
        for (let i = 0; i < s.d; i++) identity[i * s.d + i] = 1;
        const inv = new Float32Array(s.d * s.d);
        await solveRidge(kernels, {
          gram: s.gram,
          rhs: identity,
          size: s.d,
          cols: s.d,
          alpha: options.alpha ?? 1e-3,
          out: inv,
        });
        l.inverse.push(inv);
      }
    }
    addSaliencies(graph, groups, new Set(stats), layers, scores);
    // Done with this block: its matrices go before the next block's are made.
    for (const l of stats) {
      l.systems = [];
      l.inverse = undefined;
    }
  }
  const out: GroupScores = {};
  for (const [id, s] of scores) out[id] = normalizeScores(s, options.normalize ?? 'none');
  return out;
}

/** Adds the saliency each channel has in the layers of `block` to its group's scores. */
function addSaliencies(
  graph: Graph,
  groups: readonly ChannelGroup[],
  block: Set<LayerStats>,
  layers: Map<GraphNode, LayerStats>,
  scores: Map<string, Float64Array>,
): void {
  for (const g of groups) {
    const out = scores.get(g.id);
    if (!out) continue;
    for (const m of g.members) {
      if (m.kind !== 'parameter' || m.role !== 'consumer') continue;
      const w = floatWeights(graph, m.name);
      if (!w) continue;
      for (const r of memberReaders(graph, m)) {
        const l = layers.get(r.node);
        if (!l?.inverse || !block.has(l)) continue;
        const k = m.convGroup ?? 0;
        const s = l.systems[k];
        if (!s || s.yy <= 0) continue;
        for (let c = 0; c < g.channels; c++) {
          const idx = memberIndices(m, new Set([c]));
          if (idx.length) out[c] += saliency(l, k, w.data, w.dims, idx) / s.yy;
        }
      }
    }
  }
}

/** Per layer: its Gram and inverse (full input channels, + the ones column), input and output per sample. */
function layerCosts(graph: Graph, layers: readonly LayerStats[]): LayerCost[] {
  const sizes = activationSizes(graph, inferShapes(graph), 1);
  return layers.map((l) => {
    const w = graph.initializers.get(initializerOf(graph, l.node.inputs[1]));
    const dims = w ? w.dims.map(Number) : [];
    const conv = l.node.opType === 'Conv';
    const transposed = l.node.opType === 'Gemm' && attrInt(l.node, 'transB', 0) === 1;
    const d = (conv ? dims.slice(1).reduce((a, b) => a * b, 1) : (dims[transposed ? 1 : 0] ?? 0)) + 1;
    const io = (sizes.elements(l.node.inputs[0]) ?? 0) + (sizes.elements(l.node.outputs[0]) ?? 0);
    return { statisticsBytes: 2 * l.groups * d * d * 4, capturedBytesPerSample: io * 4 };
  });
}

/** Σ_o w_oᵀ (H_JJ)⁻¹ w_o over the layer's outputs in conv group k, J the columns of weight indices `idx`. */
function saliency(l: LayerStats, k: number, w: Float32Array, dims: number[], idx: number[]): number {
  const conv = l.node.opType === 'Conv';
  const kk = conv ? dims[2] * dims[3] : 1;
  const cols: number[] = [];
  for (const j of idx) for (let q = 0; q < kk; q++) cols.push(j * kk + q);
  const n = cols.length;
  const s = l.systems[k];
  const h = l.inverse![k];
  const block = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) block[a * n + b] = h[cols[a] * s.d + cols[b]];
  const chol = cholesky(block, n);
  if (!chol) return Infinity;
  const transposed = l.node.opType === 'Gemm' && attrInt(l.node, 'transB', 0) === 1;
  const outputs = conv ? dims[0] / l.groups : l.node.opType === 'Gemm' && transposed ? dims[0] : dims[1];
  const v = new Float64Array(n);
  let total = 0;
  for (let o = 0; o < outputs; o++) {
    for (let a = 0; a < n; a++) {
      const j = idx[Math.floor(a / kk)];
      const q = a % kk;
      v[a] = conv
        ? w[((k * outputs + o) * dims[1] + j) * kk + q]
        : transposed
          ? w[o * dims[1] + j]
          : w[j * outputs + o];
    }
    total += quadInverse(chol, v, n);
  }
  return total;
}

/** Lower Cholesky factor of a symmetric positive-definite n×n matrix, or undefined. */
function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  return l;
}

/** vᵀ A⁻¹ v with A = L·Lᵀ: ‖L⁻¹v‖². */
function quadInverse(l: Float64Array, v: Float64Array, n: number): number {
  const z = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = v[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
    total += z[i] * z[i];
  }
  return total;
}

async function accumulate(
  graph: Graph,
  l: LayerStats,
  xt: TensorData,
  yt: TensorData,
  maxRows: number,
  samples: number,
  random: () => number,
  kernels: Kernels,
): Promise<void> {
  const x = xt.data as Float32Array;
  const y = yt.data as Float32Array;
  const n = xt.dims[0];
  const conv = l.node.opType === 'Conv';
  if (conv && !l.geometry) {
    const w =
      floatWeights(graph, l.node.inputs[1]) ?? floatWeights(graph, initializerOf(graph, l.node.inputs[1]));
    l.geometry = w ? convGeometry(l.node, xt.dims, w.dims, yt.dims) : undefined;
    if (!l.geometry) return;
  }
  const g = l.geometry;
  const C = conv ? xt.dims[1] : xt.dims[xt.dims.length - 1];
  const perIn = C / l.groups;
  const kk = g ? g.kh * g.kw : 1;
  const d = perIn * kk + 1;
  if (!l.systems.length)
    for (let k = 0; k < l.groups; k++) l.systems.push({ d, gram: new Float32Array(d * d), yy: 0 });
  const perSample = g ? g.Ho * g.Wo : x.length / n / C;
  const take = Math.min(perSample, Math.max(1, Math.ceil(maxRows / samples)));
  const rows = n * take;
  const outC = conv ? yt.dims[1] : yt.dims[yt.dims.length - 1];
  const picks = new Int32Array(rows);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < take; i++) picks[s * take + i] = s * perSample + Math.floor(random() * perSample);
  for (let k = 0; k < l.groups; k++) {
    const sys = l.systems[k];
    const kept = Int32Array.from({ length: perIn }, (_, j) => k * perIn + j);
    const X = new Float32Array(rows * d);
    const outPer = outC / l.groups;
    if (g) await kernels.patchRows(patchArgs(g, C, x, kept, picks, X, d));
    for (let r = 0; r < rows; r++) {
      const p = picks[r];
      const img = Math.floor(p / perSample);
      const pos = p - img * perSample;
      if (g) {
        const plane = g.Ho * g.Wo;
        for (let o = 0; o < outPer; o++) sys.yy += y[(img * outC + k * outPer + o) * plane + pos] ** 2;
      } else {
        for (let j = 0; j < perIn; j++) X[r * d + j] = x[p * C + j];
        for (let o = 0; o < outC; o++) sys.yy += y[p * outC + o] ** 2;
      }
      X[r * d + d - 1] = 1;
    }
    await kernels.gramAccumulate({ x: X, rows, cols: d, out: sys.gram });
  }
}

function initializerOf(graph: Graph, value: string): string {
  for (let v = value, hops = 0; hops < 16; hops++) {
    if (graph.initializers.has(v)) return v;
    const p = graph.producer(v);
    if (!p || p.opType !== 'Identity') return value;
    v = p.inputs[0];
  }
  return value;
}

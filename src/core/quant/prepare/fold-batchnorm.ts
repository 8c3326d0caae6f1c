/**
 * Folds inference-mode BatchNormalization into the Conv, ConvTranspose (group 1) or Gemm before it:
 * y = γ·(x − μ)/√(σ² + ε) + β with x = W∗u + b becomes W'∗u + b', where for each output channel c
 * s_c = γ_c/√(σ²_c + ε), W'_c = s_c·W_c and b'_c = s_c·(b_c − μ_c) + β_c (Ioffe & Szegedy 2015, §3.2).
 * Computed in float64, stored as float32, so the folded model's outputs match to float32 rounding.
 */
import { attrFloat, attrInt, type Graph, type GraphNode } from '../../graph';
import { DataType, makeAttribute, makeTensor } from '../../onnx';
import { floatInitializer, soleConsumer } from './graph-util';

/** Folds every foldable BatchNormalization; returns how many were folded. Edits `graph` in place. */
export function foldBatchNorms(graph: Graph): number {
  let folded = 0;
  for (const bn of graph.nodes()) {
    if (bn.opType !== 'BatchNormalization' || !graph.hasNode(bn.id)) continue;
    const producer = graph.producer(bn.inputs[0]);
    if (!producer || soleConsumer(graph, bn.inputs[0])?.id !== bn.id) continue;
    const params = bnScaleShift(graph, bn);
    if (!params) continue;
    const ok =
      producer.opType === 'Conv'
        ? foldInto(graph, producer, params, 0)
        : producer.opType === 'ConvTranspose' && attrInt(producer, 'group', 1) === 1
          ? foldInto(graph, producer, params, 1)
          : producer.opType === 'Gemm'
            ? foldIntoGemm(graph, producer, params)
            : false;
    if (!ok) continue;
    graph.bypassNode(bn.id);
    folded++;
  }
  return folded;
}

interface ScaleShift {
  /** s_c = γ/√(σ²+ε) */
  scale: Float64Array;
  mean: Float32Array;
  beta: Float32Array;
}

function bnScaleShift(graph: Graph, bn: GraphNode): ScaleShift | undefined {
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => floatInitializer(graph, bn.inputs[i]));
  if (!gamma || !beta || !mean || !variance) return undefined;
  const eps = attrFloat(bn, 'epsilon', 1e-5);
  const scale = new Float64Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) scale[c] = gamma[c] / Math.sqrt(variance[c] + eps);
  return { scale, mean, beta };
}

/** Conv (axis 0) or ConvTranspose (axis 1): weight channels along `axis`. */
function foldInto(graph: Graph, node: GraphNode, p: ScaleShift, axis: 0 | 1): boolean {
  const wName = node.inputs[1];
  const w = floatInitializer(graph, wName);
  const dims = graph.initializers.get(wName)?.dims.map(Number);
  if (!w || !dims || dims[axis] !== p.scale.length) return false;
  const bias = node.inputs[2] ? floatInitializer(graph, node.inputs[2]) : undefined;
  if (node.inputs[2] && !bias) return false;
  const channels = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i] * p.scale[Math.floor(i / inner) % channels];
  const b = new Float32Array(channels);
  for (let c = 0; c < channels; c++) b[c] = p.scale[c] * ((bias?.[c] ?? 0) - p.mean[c]) + p.beta[c];
  setParam(graph, node, 1, `${wName}_bnfolded`, dims, out);
  setParam(graph, node, 2, `${node.name || wName}_bias_bnfolded`, [channels], b);
  return true;
}

/** Gemm: output column n scales row n of B (transB) or column n of B; C becomes a [N] vector. */
function foldIntoGemm(graph: Graph, node: GraphNode, p: ScaleShift): boolean {
  const bName = node.inputs[1];
  const w = floatInitializer(graph, bName);
  const dims = graph.initializers.get(bName)?.dims.map(Number);
  if (!w || !dims || dims.length !== 2 || attrInt(node, 'transA', 0) !== 0) return false;
  const transB = attrInt(node, 'transB', 0) === 1;
  const n = transB ? dims[0] : dims[1];
  if (n !== p.scale.length) return false;
  const c = node.inputs[2] ? floatInitializer(graph, node.inputs[2]) : undefined;
  if (node.inputs[2] && (!c || (c.length !== 1 && c.length !== n))) return false;
  const alpha = attrFloat(node, 'alpha', 1);
  const betaAttr = attrFloat(node, 'beta', 1);
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i] * p.scale[transB ? Math.floor(i / dims[1]) : i % n];
  const bias = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const ck = c ? betaAttr * c[c.length === 1 ? 0 : k] : 0;
    bias[k] = p.scale[k] * (ck - p.mean[k]) + p.beta[k];
  }
  setParam(graph, node, 1, `${bName}_bnfolded`, dims, out);
  setParam(graph, node, 2, `${node.name || bName}_bias_bnfolded`, [n], bias);
  graph.setAttribute(node.id, 'alpha', makeAttribute('alpha', alpha));
  graph.setAttribute(node.id, 'beta', makeAttribute('beta', 1));
  return true;
}

function setParam(
  graph: Graph,
  node: GraphNode,
  index: number,
  base: string,
  dims: number[],
  data: Float32Array,
): void {
  const name = graph.uniqueName(base);
  graph.addInitializer(makeTensor(name, DataType.FLOAT, dims, data));
  graph.setNodeInput(node.id, index, name);
}

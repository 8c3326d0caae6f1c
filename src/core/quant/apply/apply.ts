/**
 * Turns a prepared float graph, a plan and ranges into a QDQ graph: int8 weight initializers behind
 * DequantizeLinear (per-channel `axis`), int32 biases behind DequantizeLinear, and for each planned
 * activation one QuantizeLinear and one DequantizeLinear per reader (onnxruntime wants each DQ to
 * feed one node unit). A bias whose int32 would overflow (b/(s_x·s_w) beyond 2³¹ − 1, from a tiny
 * input range) stays float and is reported: clamping it would change the output. The input graph is not modified. Added nodes are unnamed and added tensors
 * take short suffixes (`_q`, `_s`, `_zp`, `_dq`): on a small model their names would otherwise be a
 * tenth of the file.
 */
import { createReferenceBackend, type KernelBackend } from '../../../kernels';
import { attrFloat, type Graph } from '../../graph';
import { DataType, makeAttribute } from '../../onnx';
import { QuantError } from '../errors';
import { addConstant, copyGraph, detachOutput, floatInitializer, nodesByName } from '../prepare/graph-util';
import type { FloatBias, LearnedParams, QuantPlan, Ranges, WeightQuant } from '../types';
import { planActivationParams, type QParams } from './qparams';
import { dropRedundantClip } from './redundant-clip';
import { INT32_LIMIT, quantizeBias, quantizeWeight, type QuantizedWeight } from './weights';

export interface ApplyOptions {
  readonly kernels?: KernelBackend;
  /** Scales (and zero points) learned by quantization-aware training, used instead of derived ones. */
  readonly learned?: LearnedParams;
}

/** How {@link LearnedParams.weights} names one quantized weight: its initializer and channel axis. */
export function weightKey(w: Pick<WeightQuant, 'axis'> & { readonly name: string }): string {
  return `${w.name}|${w.axis ?? ''}`;
}

export interface AppliedQuantization {
  readonly graph: Graph;
  /** Planned biases kept in float because their int32 would overflow. */
  readonly floatBiases: readonly FloatBias[];
}

/** The QDQ model of `graph` under `plan` with activation `ranges` (from {@link calibrate}). */
export async function applyQuantization(
  graph: Graph,
  plan: QuantPlan,
  ranges: Ranges,
  options: ApplyOptions = {},
): Promise<AppliedQuantization> {
  const kernels = options.kernels ?? createReferenceBackend();
  const g = copyGraph(graph);
  const nodes = nodesByName(g);
  const type = plan.scheme.activations;
  const qType = type === 'uint8' ? DataType.UINT8 : DataType.INT8;

  // ---- activation parameters (pass-through outputs borrow their input's) ----
  const params = planActivationParams(plan, ranges, options.learned) as Map<
    string,
    QParams & { scaleName?: string; zpName?: string }
  >;
  const resolve = (name: string) => params.get(name)!;

  // ---- weights ----
  const quantized = new Map<
    string,
    { q: QuantizedWeight; axis?: number; name: string; scale: string; zp: string }
  >();
  const weightOfNode = new Map<string, QuantizedWeight>();
  // Symmetric zero points are all zeros: one initializer per type and length serves every weight.
  const zeroInits = new Map<string, string>();
  const zeros = (dt: DataType.INT8 | DataType.INT32, length: number): string => {
    const key = `${dt}|${length}`;
    let name = zeroInits.get(key);
    if (!name) {
      const data =
        dt === DataType.INT8 ? new Int8Array(Math.max(1, length)) : new Int32Array(Math.max(1, length));
      name = addConstant(
        g,
        `zero_${dt === DataType.INT8 ? 'int8' : 'int32'}${length ? `_${length}` : ''}`,
        dt,
        length ? [length] : [],
        data,
      );
      zeroInits.set(key, name);
    }
    return name;
  };
  for (const w of plan.weights) {
    const node = nodes.get(w.node);
    const t = g.initializers.get(w.name);
    const data = floatInitializer(g, w.name);
    if (!node || !t || !data)
      throw new QuantError(`Weight '${w.name}' of '${w.node}' is not a float initializer.`);
    const key = weightKey(w);
    let entry = quantized.get(key);
    if (!entry) {
      const dims = t.dims.map(Number);
      const q = await quantizeWeight(kernels, data, dims, w.axis, options.learned?.weights[key]);
      const perChannel = w.axis !== undefined;
      const name = addConstant(g, `${w.name}_q`, DataType.INT8, dims, q.values);
      const scale = addConstant(
        g,
        `${w.name}_s`,
        DataType.FLOAT,
        perChannel ? [q.scales.length] : [],
        q.scales,
      );
      const zp = zeros(DataType.INT8, perChannel ? q.scales.length : 0);
      entry = { q, axis: w.axis, name, scale, zp };
      quantized.set(key, entry);
    }
    const out = g.uniqueName(`${w.name}_dq`);
    g.addNode({
      opType: 'DequantizeLinear',
      name: '',
      inputs: [entry.name, entry.scale, entry.zp],
      outputs: [out],
      attributes: entry.axis !== undefined ? [makeAttribute('axis', BigInt(entry.axis))] : [],
    });
    g.setNodeInput(node.id, w.input, out);
    weightOfNode.set(w.node, entry.q);
  }

  // ---- biases: int32 with scale s_x·s_w, or float where that int32 would overflow ----
  const floatBiases: FloatBias[] = [];
  for (const b of plan.biases) {
    const node = nodes.get(b.node);
    const data = floatInitializer(g, b.name);
    const weight = weightOfNode.get(b.node);
    if (!node || !data) throw new QuantError(`Bias '${b.name}' of '${b.node}' is not a float initializer.`);
    if (!weight) continue; // weight not quantized (an activation): onnxruntime adds the float bias
    const inputScale = resolve(b.activation).scale;
    const { values, scales, peak } = quantizeBias(data, inputScale, weight.scales);
    if (peak > INT32_LIMIT) {
      floatBiases.push({ node: b.node, bias: b.name, peak });
      continue;
    }
    const dims = g.initializers.get(b.name)!.dims.map(Number);
    const perChannel = scales.length > 1;
    const name = addConstant(g, `${b.name}_q`, DataType.INT32, dims, values);
    const scale = addConstant(g, `${b.name}_s`, DataType.FLOAT, perChannel ? [scales.length] : [], scales);
    const zp = zeros(DataType.INT32, perChannel ? scales.length : 0);
    const out = g.uniqueName(`${b.name}_dq`);
    g.addNode({
      opType: 'DequantizeLinear',
      name: '',
      inputs: [name, scale, zp],
      outputs: [out],
      attributes: perChannel ? [makeAttribute('axis', BigInt(dims.length - 1))] : [],
    });
    g.setNodeInput(node.id, b.input, out);
    if (node.opType === 'Gemm' && attrFloat(node, 'beta', 1) === 1)
      g.setAttribute(node.id, 'beta', makeAttribute('beta', 1)); // QGemm's selector reads beta explicitly
  }

  // Float weights and biases nothing reads any more leave the graph (export would drop them anyway).
  for (const name of new Set([...plan.weights, ...plan.biases].map((w) => w.name)))
    if (g.initializers.has(name) && g.consumers(name).length === 0 && !g.isGraphOutput(name))
      g.removeInitializer(name);

  // ---- activations: one Q, one DQ per reader ----
  for (const name of Object.keys(plan.activations)) {
    const p = params.get(name)!;
    if (p.scaleName === undefined) {
      const shared = plan.activations[name].shareWith;
      const owner = shared !== undefined ? rootOf(plan, name) : name;
      const o = params.get(owner)!;
      if (o.scaleName === undefined) {
        o.scaleName = addConstant(g, `${owner}_s`, DataType.FLOAT, [], new Float32Array([o.scale]));
        o.zpName = addConstant(
          g,
          `${owner}_zp`,
          qType,
          [],
          qType === DataType.UINT8 ? new Uint8Array([o.zeroPoint]) : new Int8Array([o.zeroPoint]),
        );
      }
      p.scaleName = o.scaleName;
      p.zpName = o.zpName;
    }
    insertQdq(g, name, p.scaleName!, p.zpName!);
  }
  for (const [name, q] of Object.entries(plan.activations))
    if (q.clip) dropRedundantClip(g, name, q.clip, params.get(name)!, type);
  return { graph: g, floatBiases };
}

function rootOf(plan: QuantPlan, name: string): string {
  let n = name;
  for (let i = 0; i < 10000 && plan.activations[n]?.shareWith !== undefined; i++)
    n = plan.activations[n].shareWith!;
  return n;
}

/**
 * Q on `value`, then a DQ for each reader. A graph output keeps its name on the last DQ, so the
 * producer's only reader is the Q and onnxruntime can fuse it.
 */
function insertQdq(g: Graph, value: string, scale: string, zp: string): void {
  const { source, isOutput, restore } = detachOutput(g, value);
  const uses = g.uses(source);
  const q = g.uniqueName(`${value}_q`);
  g.addNode({ opType: 'QuantizeLinear', name: '', inputs: [source, scale, zp], outputs: [q] });
  uses.forEach((use, k) => {
    const out = g.uniqueName(`${value}_dq${uses.length > 1 ? `_${k}` : ''}`);
    g.addNode({ opType: 'DequantizeLinear', name: '', inputs: [q, scale, zp], outputs: [out] });
    g.setNodeInput(use.node, use.index, out);
  });
  if (isOutput) {
    g.addNode({ opType: 'DequantizeLinear', name: '', inputs: [q, scale, zp], outputs: [value] });
    restore();
  }
}

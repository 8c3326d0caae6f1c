/**
 * Per-node quantization damage: the float model and the QDQ model run side by side on the same
 * batches, each quantized node's output (after its Q/DQ) compared with the float tensor. Damage is the
 * noise-to-signal ratio a node adds on top of the worst of its inputs — NSR = Σ(ref − q)² / Σref²
 * (SQNR = −10·log10 NSR, the per-tensor measure of onnxruntime's qdq_loss_debug) — so an early layer's
 * error is not charged to every layer after it.
 */
import {
  exposeIntermediates,
  TensorErrorAccumulator,
  type InferenceRuntime,
  type TensorData,
} from '../../eval';
import { exportModel, type Graph } from '../../graph';
import { encodeModel } from '../../onnx';
import type { Feeds } from '../calib/calibrate';
import { soleConsumer } from '../prepare/graph-util';
import type { QuantPlan } from '../types';

export interface NodeDamage {
  readonly node: string;
  readonly opType: string;
  /** The tensor compared (the node's quantized output). */
  readonly tensor: string;
  /** SQNR of that tensor, dB. */
  readonly sqnrDb: number;
  /** Noise-to-signal ratio added by this node (linear); higher is worse. */
  readonly damage: number;
}

/** Quantized nodes of `plan` ranked by damage, worst first. `float` is the graph the plan was made on. */
export async function rankDamage(
  float: Graph,
  quantized: Graph,
  plan: QuantPlan,
  batches: AsyncIterable<Feeds> | Iterable<Feeds>,
  runtime: InferenceRuntime,
): Promise<NodeDamage[]> {
  const units: { node: string; opType: string; out: string; ins: string[] }[] = [];
  for (const n of float.nodes()) {
    if (plan.nodes[n.name] !== 'quantized') continue;
    const next = soleConsumer(float, n.outputs[0]);
    const out = next && plan.nodes[next.name] === 'absorbed' ? next.outputs[0] : n.outputs[0];
    if (!plan.activations[out]) continue;
    units.push({ node: n.name, opType: n.opType, out, ins: n.inputs.filter((v) => plan.activations[v]) });
  }
  const tensors = [...new Set(units.flatMap((u) => [u.out, ...u.ins]))];
  // In the QDQ model a tensor's quantized value is the output of a DequantizeLinear reading its Q.
  const dqOf = new Map<string, string>();
  for (const t of tensors) {
    const q = quantized
      .uses(t)
      .map((u) => quantized.node(u.node))
      .find((n) => n.opType === 'QuantizeLinear');
    const dq = q && quantized.consumers(q.outputs[0]).find((n) => n.opType === 'DequantizeLinear');
    if (dq) dqOf.set(t, dq.outputs[0]);
  }
  const floatNames = tensors.filter((t) => dqOf.has(t) && float.producer(t));
  const ref = await runtime.createSession(exposeIntermediates(exportModel(float), floatNames));
  const test = await runtime.createSession(
    exposeIntermediates(
      encodeModel(exportModel(quantized)),
      floatNames.map((t) => dqOf.get(t)!),
    ),
  );
  const errors = new TensorErrorAccumulator();
  try {
    for await (const feeds of batches) {
      const [a, b] = await Promise.all([
        ref.run(feeds, floatNames),
        test.run(
          feeds,
          floatNames.map((t) => dqOf.get(t)!),
        ),
      ]);
      const renamed: Record<string, TensorData> = {};
      for (const t of floatNames) renamed[t] = b[dqOf.get(t)!];
      errors.add(a, renamed);
    }
  } finally {
    await Promise.all([ref.release(), test.release()]);
  }
  const nsr = new Map(errors.result().map((r) => [r.name, Math.pow(10, -r.sqnrDb / 10)]));
  return units
    .filter((u) => nsr.has(u.out))
    .map((u) => {
      const out = nsr.get(u.out)!;
      const worstIn = Math.max(0, ...u.ins.map((t) => nsr.get(t) ?? 0));
      return {
        node: u.node,
        opType: u.opType,
        tensor: u.out,
        sqnrDb: -10 * Math.log10(out),
        damage: out - worstIn,
      };
    })
    .sort((a, b) => b.damage - a.damage);
}

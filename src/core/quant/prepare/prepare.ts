import type { Graph } from '../../graph';
import { foldBatchNorms } from './fold-batchnorm';
import { nameNodes } from './graph-util';
import { upgradeOpset } from './upgrade-opset';

export interface PrepareOptions {
  /** Fold BatchNormalization into the Conv/Gemm before it (default true). */
  readonly foldBatchNorm?: boolean;
}

/** What preparation changed, for reports. */
export interface PrepareReport {
  readonly fromOpset: number;
  readonly toOpset: number;
  readonly batchNormsFolded: number;
  readonly identitiesRemoved: number;
}

/**
 * A copy of `graph` ready for QDQ quantization: at opset ≥ 13 (per-channel DequantizeLinear), with
 * Identity nodes spliced out (exporters route shared initializers through them, which hides a BN's
 * parameters), BatchNormalization folded into the op before it, and every node named.
 */
export function prepareForQuantization(graph: Graph, options: PrepareOptions = {}): Graph {
  return prepareWithReport(graph, options).graph;
}

/** {@link prepareForQuantization} plus what it did. */
export function prepareWithReport(
  graph: Graph,
  options: PrepareOptions = {},
): { graph: Graph; report: PrepareReport } {
  const fromOpset = Number(
    graph.model?.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 21,
  );
  const g = upgradeOpset(graph);
  let identitiesRemoved = 0;
  for (const n of g.nodes()) {
    if (n.opType !== 'Identity' || g.isGraphInput(n.inputs[0])) continue;
    if (g.isGraphOutput(n.outputs[0]) && g.isGraphOutput(n.inputs[0])) continue;
    try {
      g.bypassNode(n.id);
      identitiesRemoved++;
    } catch {
      // An Identity whose input cannot take the output's name stays; it is harmless.
    }
  }
  const batchNormsFolded = options.foldBatchNorm === false ? 0 : foldBatchNorms(g);
  nameNodes(g);
  return {
    graph: g,
    report: { fromOpset, toOpset: Math.max(fromOpset, 13), batchNormsFolded, identitiesRemoved },
  };
}

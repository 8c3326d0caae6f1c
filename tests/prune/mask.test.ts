/**
 * Masking alone: same shapes, and the planned channels are exactly zero where they are computed
 * (after BatchNorm too) and contribute nothing downstream, even through activations with f(0) ≠ 0.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import { exposeIntermediates } from '../../src/core/eval';
import { exportModel } from '../../src/core/graph';
import { tensorData } from '../../src/core/onnx';
import { applyMask, cloneGraph, planFromSelection } from '../../src/core/prune';
import { builderFixtures } from './fixtures';
import { FIXTURES, graphFromBytes, loadGraph, nativeRuntime, randomFeed, runGraph } from './helpers';

describe('applyMask', () => {
  it('keeps every shape and zeroes pruned channels right after BatchNorm (resnet8-bn)', async () => {
    const graph = loadGraph(join(FIXTURES, 'fmnist-resnet8-bn.onnx'));
    const analysis = analyzeChannels(graph);
    const g = analysis.groups.find((x) => x.prunable && x.channels === 32)!;
    const plan = planFromSelection(graph, analysis, { [g.id]: [0, 5, 31] });
    const masked = cloneGraph(graph);
    const report = applyMask(masked, plan);
    expect(report.parameters).toBeGreaterThan(0);
    for (const [name, t] of graph.initializers) expect(masked.initializers.get(name)?.dims, name).toEqual(t.dims);

    const bnOutputs = g.members.filter((m) => m.kind === 'tensor' && m.opType === 'BatchNormalization').map((m) => m.name);
    expect(bnOutputs.length).toBeGreaterThan(0);
    const session = await (await nativeRuntime()).createSession(exposeIntermediates(exportModel(masked), bnOutputs));
    const out = await session.run(randomFeed('input', [2, 1, 28, 28], 3));
    await session.release();
    for (const name of bnOutputs) {
      const t = out[name];
      const plane = t.dims[2] * t.dims[3];
      for (let n = 0; n < t.dims[0]; n++)
        for (const c of [0, 5, 31]) {
          const base = (n * t.dims[1] + c) * plane;
          const values = (t.data as Float32Array).subarray(base, base + plane);
          expect(values.every((v) => v === 0), `${name} channel ${c}`).toBe(true);
        }
    }
  });

  it('a masked channel through Sigmoid (0.5 at 0) contributes nothing: output independent of its producer', async () => {
    const fixture = builderFixtures().find((f) => f.name === 'bn-depthwise-grouped')!;
    const graph = graphFromBytes(fixture.bytes);
    const analysis = analyzeChannels(graph);
    const g = analysis.groups.find((x) => x.prunable && x.members.some((m) => m.opType === 'BatchNormalization'))!;
    const plan = planFromSelection(graph, analysis, { [g.id]: [0, 1, 2, 3] });
    const masked = cloneGraph(graph);
    applyMask(masked, plan);
    const feeds = randomFeed('x', fixture.input, 5);
    const base = await runGraph(masked, feeds);
    // Scribble on the masked channels' depthwise filters: nothing may change downstream.
    const perturbed = cloneGraph(masked);
    const w = perturbed.initializers.get('wdw')!;
    const data = Float32Array.from(tensorData(w) as Float32Array);
    for (let i = 0; i < 8 * 9; i++) data[i] = 3;
    perturbed.replaceInitializer('wdw', { ...w, rawData: new Uint8Array(data.buffer) });
    expect(await runGraph(perturbed, feeds)).toEqual(base);
    expect(await runGraph(graph, feeds)).not.toEqual(base);
  });
});

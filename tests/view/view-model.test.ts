import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateCost, layoutView, openModelView, planChannels } from '../../src/core/view';

const models = [
  'fmnist-resnet8.onnx',
  'fmnist-resnet8-bn.onnx',
  'fmnist-mobilenetv2.onnx',
  'fmnist-mobilenetv2-bn.onnx',
];
const open = (name: string) =>
  openModelView(new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url))));
const settings = { criterion: 'l1' as const, ranking: 'per-group' as const, roundTo: 1, overrides: {} };

describe.each(models)('view model of %s', (name) => {
  const { view } = open(name);

  it('estimates the cost model exactly when nothing is removed, and less when channels go', () => {
    const none = planChannels(view.groups, { ...settings, ratio: 0 });
    expect(estimateCost(view.costs, none.removed, none.channels)).toEqual({
      parameters: view.summary.parameters,
      macs: view.summary.macs,
      bytes: view.summary.initializerBytes,
    });
    const half = planChannels(view.groups, { ...settings, ratio: 0.5 });
    const cut = estimateCost(view.costs, half.removed, half.channels);
    expect(cut.macs).toBeLessThan(view.summary.macs * 0.6);
    expect(half.removedTotal).toBeGreaterThan(0);
  });

  it('puts every node in exactly one block and lays blocks out without overlaps', () => {
    const inBlocks = view.blocks.flatMap((b) => b.nodes);
    expect(inBlocks.sort()).toEqual(view.nodes.map((n) => n.id).sort());
    const layout = layoutView(view);
    expect(layout.items).toHaveLength(view.blocks.length);
    for (const a of layout.items)
      for (const b of layout.items) {
        if (a === b) continue;
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
  });
});

describe('layered layout', () => {
  it('places every block below the blocks that feed it', () => {
    for (const name of models) {
      const { view } = open(name);
      const layout = layoutView(view);
      const itemY = new Map(layout.items.map((i) => [i.id, i.y]));
      for (const e of layout.edges)
        expect(itemY.get(e.source)!, `${name}: ${e.source} → ${e.target}`).toBeLessThan(itemY.get(e.target)!);
    }
  });
});

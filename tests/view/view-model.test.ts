import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layoutView, openModelView } from '../../src/core/view';

const models = [
  'fmnist-resnet8.onnx',
  'fmnist-resnet8-bn.onnx',
  'fmnist-mobilenetv2.onnx',
  'fmnist-mobilenetv2-bn.onnx',
];
const open = (name: string) =>
  openModelView(new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url))));

describe.each(models)('view model of %s', (name) => {
  const { view } = open(name);

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

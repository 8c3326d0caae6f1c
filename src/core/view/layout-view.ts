/**
 * Turns a view model into boxes and edges for the canvas: each block is one box unless it is
 * expanded, in which case each of its nodes is one. Runs in the worker (see `layeredLayout`).
 */
import { layeredLayout } from './layered-layout';
import type { GraphLayout, LayoutItem, ModelView } from './types';

/** Box size the canvas draws every item at. */
export const ITEM_WIDTH = 200;
export const ITEM_HEIGHT = 58;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Lays out `view` with the blocks in `expanded` shown node by node. */
export function layoutView(view: ModelView, expanded: ReadonlySet<string> = new Set()): GraphLayout {
  const start = now();
  const items: LayoutItem[] = [];
  const itemOfNode = new Map<string, number>();
  for (const block of view.blocks) {
    if (expanded.has(block.id) && block.nodes.length > 1) {
      for (const node of block.nodes) {
        itemOfNode.set(node, items.length);
        items.push({
          id: `n${node}`,
          block: block.id,
          nodes: [node],
          x: 0,
          y: 0,
          width: ITEM_WIDTH,
          height: ITEM_HEIGHT,
        });
      }
    } else {
      for (const node of block.nodes) itemOfNode.set(node, items.length);
      items.push({
        id: block.id,
        block: block.id,
        nodes: block.nodes,
        x: 0,
        y: 0,
        width: ITEM_WIDTH,
        height: ITEM_HEIGHT,
      });
    }
  }

  const pairs: [number, number][] = [];
  const seen = new Set<number>();
  for (const edge of view.edges) {
    const a = itemOfNode.get(edge.source);
    const b = itemOfNode.get(edge.target);
    if (a === undefined || b === undefined || a === b) continue;
    const key = a * items.length + b;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([a, b]);
  }

  const placed = layeredLayout({ count: items.length, width: ITEM_WIDTH, height: ITEM_HEIGHT, edges: pairs });
  for (let i = 0; i < items.length; i++) {
    items[i].x = placed.x[i];
    items[i].y = placed.y[i];
  }
  return {
    items,
    edges: pairs.map(([a, b]) => ({
      id: `${items[a].id}>${items[b].id}`,
      source: items[a].id,
      target: items[b].id,
    })),
    width: placed.width,
    height: placed.height,
    timeMs: now() - start,
  };
}

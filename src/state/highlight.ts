/** Which layout items to emphasise for a selection, and which items match a search. */
import type { GraphLayout, ModelView } from '../core/view';
import type { Selection } from './types';

/** Items holding the selected node, or any member of the selected group (or of the node's own group). */
export function highlightedItems(
  view: ModelView,
  layout: GraphLayout,
  selection: Selection | null,
): ReadonlySet<string> {
  if (!selection) return new Set();
  const nodes = new Set<string>();
  if (selection.kind === 'group') {
    for (const id of view.groups.find((g) => g.id === selection.id)?.nodeIds ?? []) nodes.add(id);
  } else {
    nodes.add(selection.id);
    const node = view.nodes.find((n) => n.id === selection.id);
    const group = node && node.primary >= 0 ? node.groups[node.primary].group : undefined;
    for (const id of view.groups.find((g) => g.id === group)?.nodeIds ?? []) nodes.add(id);
  }
  const items = new Set<string>();
  for (const item of layout.items) if (item.nodes.some((n) => nodes.has(n))) items.add(item.id);
  return items;
}

/** Items with a node whose name, or one of whose tensors' names, contains `query` (case-insensitive). */
export function searchItems(view: ModelView, layout: GraphLayout, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits = new Set<string>();
  for (const node of view.nodes) {
    const match =
      node.name.toLowerCase().includes(q) ||
      node.outputs.some((t) => t.name.toLowerCase().includes(q)) ||
      node.inputs.some((t) => t.name.toLowerCase().includes(q));
    if (match) hits.add(node.id);
  }
  return layout.items.filter((item) => item.nodes.some((n) => hits.has(n))).map((item) => item.id);
}

/** The item that shows `nodeId` in `layout`. */
export function itemOfNode(layout: GraphLayout, nodeId: string): string | undefined {
  return layout.items.find((item) => item.nodes.includes(nodeId))?.id;
}

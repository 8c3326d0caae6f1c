/** Index lookups over a view model, built once per model (the view model never changes once loaded). */
import type { ModelView } from '../core/view';
import type { ViewGroup, ViewNode } from '../core/view';

interface Index {
  nodes: Map<string, ViewNode>;
  groups: Map<string, ViewGroup>;
}

const cache = new WeakMap<ModelView, Index>();

function index(view: ModelView): Index {
  let found = cache.get(view);
  if (!found) {
    found = {
      nodes: new Map(view.nodes.map((n) => [n.id, n])),
      groups: new Map(view.groups.map((g) => [g.id, g])),
    };
    cache.set(view, found);
  }
  return found;
}

export const nodeById = (view: ModelView, id: string): ViewNode | undefined => index(view).nodes.get(id);
export const groupById = (view: ModelView, id: string): ViewGroup | undefined => index(view).groups.get(id);

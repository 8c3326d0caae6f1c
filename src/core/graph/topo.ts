/** Stable topological sort. */
import { GraphError } from './errors';

/**
 * Orders `ids` so every node follows the nodes it depends on, moving as little as possible: each
 * node is emitted right after its not-yet-emitted dependencies (iterative depth-first, so a
 * 10,000-node chain does not overflow the stack). Throws on a cycle.
 */
export function topologicalSort<T>(
  ids: readonly T[],
  deps: (id: T) => readonly T[],
  label: (id: T) => string,
): T[] {
  const state = new Map<T, 1 | 2>(); // 1 = on the stack, 2 = emitted
  const out: T[] = [];
  const stack: { id: T; deps: readonly T[]; next: number }[] = [];
  for (const root of ids) {
    if (state.has(root)) continue;
    state.set(root, 1);
    stack.push({ id: root, deps: deps(root), next: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const d = top.deps[top.next++];
        const s = state.get(d);
        if (s === 1) throw new GraphError(`cycle through ${label(d)}`);
        if (s === undefined) {
          state.set(d, 1);
          stack.push({ id: d, deps: deps(d), next: 0 });
        }
      } else {
        stack.pop();
        state.set(top.id, 2);
        out.push(top.id);
      }
    }
  }
  return out;
}

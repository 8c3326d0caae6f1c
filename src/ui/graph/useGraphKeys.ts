import { useCallback, type KeyboardEvent } from 'react';
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useStudioApi } from '../../state';
import { ARROWS, nearestInDirection } from './spatial-nav';
import { inView } from './viewport';

/** Keyboard focus on the box of `item`, once it is rendered (off-screen boxes are not). */
function focusItem(item: string, triesLeft = 30) {
  const el = document.querySelector<HTMLElement>(`.block-node[data-item="${CSS.escape(item)}"]`);
  if (el) el.focus({ preventScroll: true });
  else if (triesLeft > 0) requestAnimationFrame(() => focusItem(item, triesLeft - 1));
}

/**
 * The graph's roving tab index: one box is the tab stop; arrow keys move to the nearest box that
 * way, Home/End to the first/last box, Enter or Space opens the inspector on the focused box.
 */
export function useGraphKeys() {
  const studio = useStudioApi();
  const canvas = useStoreApi();
  const flow = useReactFlow();
  return useCallback(
    (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const current = target.classList.contains('block-node') ? target.dataset.item : undefined;
      const { layout, setCursor, select } = studio.getState();
      if (!current || !layout) return;
      const from = layout.items.find((i) => i.id === current);
      if (!from) return;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select({ kind: 'node', id: from.nodes[0] });
        return;
      }
      const dir = ARROWS[event.key];
      const next =
        event.key === 'Home'
          ? layout.items[0]
          : event.key === 'End'
            ? layout.items.at(-1)
            : dir
              ? nearestInDirection(layout.items, from, dir)
              : undefined;
      if (!dir && event.key !== 'Home' && event.key !== 'End') return;
      event.preventDefault();
      if (!next) return;
      setCursor(next.id);
      const { width, height } = canvas.getState();
      if (!inView(next, flow.getViewport(), { width, height }))
        void flow.setCenter(next.x + next.width / 2, next.y + next.height / 2, {
          zoom: flow.getZoom(),
          duration: 150,
        });
      focusItem(next.id);
    },
    [studio, canvas, flow],
  );
}

import { useCallback } from 'react';
import { useReactFlow, useStoreApi, type Viewport } from '@xyflow/react';
import { useStudioApi } from '../../state';
import { frame, inView, LEGIBLE_ZOOM, legibleFit, MAX_ZOOM } from './viewport';

/** Moves the canvas: a readable fit of the whole graph, or framing some boxes (a group, a node) not all in view. */
export function useGraphViewport() {
  const flow = useReactFlow();
  const canvas = useStoreApi();
  const studio = useStudioApi();
  const go = useCallback(
    (viewport: Viewport, duration: number) => void flow.setViewport(viewport, { duration }),
    [flow],
  );
  const fit = useCallback(
    (duration = 0) => {
      const layout = studio.getState().layout;
      const { width, height } = canvas.getState();
      if (layout && width && height) go(legibleFit(layout.items, { width, height }), duration);
    },
    [studio, canvas, go],
  );
  const frameItems = useCallback(
    (ids: readonly string[], duration = 300) => {
      const wanted = new Set(ids);
      const boxes = studio.getState().layout?.items.filter((i) => wanted.has(i.id)) ?? [];
      const { width, height } = canvas.getState();
      if (!boxes.length || !width || !height) return;
      // Already all in view: leave the reader's view alone.
      const now = flow.getViewport();
      if (boxes.every((b) => inView(b, now, { width, height }))) return;
      // Never zoom out of a closer look the reader chose, nor in past readable size for one box.
      const maxZoom = Math.min(MAX_ZOOM, Math.max(flow.getZoom(), LEGIBLE_ZOOM));
      go(frame(boxes, { width, height }, maxZoom), duration);
    },
    [studio, canvas, flow, go],
  );
  return { fit, frameItems };
}

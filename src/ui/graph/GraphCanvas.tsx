import { createContext, useCallback, useContext, useEffect, useMemo, useRef } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useStoreApi,
  type Edge,
  type MiniMapNodeProps,
  type NodeMouseHandler,
  type OnMove,
} from '@xyflow/react';
import { groupById, nodeById, useStudio, useStudioApi, type StudioStore } from '../../state';
import { BlockNode, type BlockFlowNode } from './BlockNode';
import { groupColor } from './group-colors';
import { useGraphKeys } from './useGraphKeys';
import { useGraphViewport } from './useGraphViewport';
import { boundsOf, inView, MAX_ZOOM, MIN_ZOOM } from './viewport';

const nodeTypes = { block: BlockNode };
const selectLayout = (s: StudioStore) => s.layout;
const selectModel = (s: StudioStore) => s.model;
const selectExpanded = (s: StudioStore) => s.expanded;
const selectFocus = (s: StudioStore) => s.focus;
const selectSelect = (s: StudioStore) => s.select;

const MINIMAP = { width: 200, height: 150 };
/** Graph units per minimap pixel, so every box can be drawn at least a couple of pixels big. */
const MinimapScale = createContext(1);

/**
 * A minimap box never smaller than 2 × 2 pixels: on a long graph (PaddleOCR det is 24,000 units
 * tall) true-scale boxes are a third of a pixel high, and with crisp edges the browser draws none.
 */
function MinimapBox({ x, y, width, height, color }: MiniMapNodeProps) {
  const min = 2 * useContext(MinimapScale);
  const w = Math.max(width, min);
  const h = Math.max(height, min);
  return (
    <rect
      className="react-flow__minimap-node"
      x={x + (width - w) / 2}
      y={y + (height - h) / 2}
      width={w}
      height={h}
      style={{ fill: color }}
    />
  );
}

/**
 * The model graph. It re-renders only when the layout changes (a model opens, a block expands):
 * emphasis and the keyboard tab stop live in each node's own subscription.
 */
export function GraphCanvas() {
  const layout = useStudio(selectLayout);
  const model = useStudio(selectModel);
  const expanded = useStudio(selectExpanded);
  const focus = useStudio(selectFocus);
  const select = useStudio(selectSelect);
  const store = useStudioApi();
  const canvas = useStoreApi();
  const { fit, frameItems } = useGraphViewport();
  const onKeyDown = useGraphKeys();

  const nodes = useMemo<BlockFlowNode[]>(() => {
    if (!layout) return [];
    const view = store.getState().model?.view;
    const sizes = new Map(view?.blocks.map((b) => [b.id, b.nodes.length]));
    return layout.items.map((item) => ({
      id: item.id,
      type: 'block',
      position: { x: item.x, y: item.y },
      width: item.width,
      height: item.height,
      draggable: false,
      connectable: false,
      data: {
        item: item.id,
        nodes: item.nodes,
        block: item.block,
        expanded: expanded.includes(item.block),
        expandable: (sizes.get(item.block) ?? 1) > 1,
      },
    }));
  }, [layout, expanded, store]);

  const edges = useMemo<Edge[]>(
    () =>
      layout?.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, focusable: false })) ?? [],
    [layout],
  );

  // A newly opened model is fitted (readably); expanding a block keeps the reader where they are.
  const fitted = useRef<unknown>(null);
  useEffect(() => {
    if (!layout || fitted.current === model) return;
    // Wait a frame so the canvas has its size before fitting.
    const frame = requestAnimationFrame(() => {
      fitted.current = model;
      fit();
    });
    return () => cancelAnimationFrame(frame);
  }, [layout, model, fit]);

  useEffect(() => {
    if (focus) frameItems(focus.items);
  }, [focus, frameItems]);

  const onNodeClick = useCallback<NodeMouseHandler<BlockFlowNode>>(
    (_, node) => select({ kind: 'node', id: node.data.nodes[0] }),
    [select],
  );

  // The tab stop follows the view: panned out of sight, it moves to the box nearest the centre.
  const onMoveEnd = useCallback<OnMove>(
    (_, viewport) => {
      const { layout: current, cursor, setCursor } = store.getState();
      const { width, height } = canvas.getState();
      if (!current || !width || !height) return;
      const size = { width, height };
      const at = current.items.find((i) => i.id === cursor);
      if (at && inView(at, viewport, size)) return;
      const cx = (width / 2 - viewport.x) / viewport.zoom;
      const cy = (height / 2 - viewport.y) / viewport.zoom;
      let best: string | undefined;
      let bestDistance = Infinity;
      for (const item of current.items) {
        const d = Math.hypot(item.x + item.width / 2 - cx, item.y + item.height / 2 - cy);
        if (d < bestDistance && inView(item, viewport, size)) [best, bestDistance] = [item.id, d];
      }
      if (best) setCursor(best);
    },
    [store, canvas],
  );

  const minimapScale = useMemo(() => {
    const b = boundsOf(layout?.items ?? []);
    return Math.max(b.width / MINIMAP.width, b.height / MINIMAP.height, 1);
  }, [layout]);

  const minimapColor = useCallback(
    (node: BlockFlowNode) => {
      const view = store.getState().model?.view;
      const head = view ? nodeById(view, node.data.nodes[0]) : undefined;
      const ref = head && head.primary >= 0 ? head.groups[head.primary] : undefined;
      const group = view && ref ? groupById(view, ref.group) : undefined;
      return group ? groupColor(group.index, group.prunable) : '#d0d5dd';
    },
    [store],
  );

  return (
    <MinimapScale.Provider value={minimapScale}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onPaneClick={() => select(null)}
        onMoveEnd={onMoveEnd}
        onKeyDown={onKeyDown}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        disableKeyboardA11y
        onlyRenderVisibleElements
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        proOptions={{ hideAttribution: true }}
        aria-label="Model graph"
      >
        <Background gap={24} size={1} color="#e4e7ec" />
        <MiniMap
          pannable
          zoomable
          nodeColor={minimapColor}
          nodeComponent={MinimapBox}
          style={MINIMAP}
          ariaLabel="Graph overview"
        />
        <Controls showInteractive={false} showFitView={false} aria-label="Zoom controls" />
      </ReactFlow>
    </MinimapScale.Provider>
  );
}

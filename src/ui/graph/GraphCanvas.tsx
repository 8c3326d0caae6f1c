import { useCallback, useEffect, useMemo } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type NodeMouseHandler,
} from '@xyflow/react';
import { groupById, nodeById, useStudio, useStudioApi, type StudioStore } from '../../state';
import { BlockNode, type BlockFlowNode } from './BlockNode';
import { groupColor } from './group-colors';

const nodeTypes = { block: BlockNode };
const selectLayout = (s: StudioStore) => s.layout;
const selectExpanded = (s: StudioStore) => s.expanded;
const selectFocus = (s: StudioStore) => s.focus;
const selectSelect = (s: StudioStore) => s.select;

/**
 * The model graph. It re-renders only when the layout changes (a model opens, a block expands):
 * emphasis lives in each node's own subscription.
 */
export function GraphCanvas() {
  const layout = useStudio(selectLayout);
  const expanded = useStudio(selectExpanded);
  const focus = useStudio(selectFocus);
  const select = useStudio(selectSelect);
  const store = useStudioApi();
  const flow = useReactFlow();

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

  useEffect(() => {
    if (!layout) return;
    // Wait a frame so React Flow has measured the new nodes before fitting.
    const frame = requestAnimationFrame(() => {
      const big = layout.items.length > 300;
      if (big) {
        const first = layout.items[0];
        void flow.setCenter(first.x + first.width / 2, first.y + 200, { zoom: 0.9 });
      } else void flow.fitView({ padding: 0.08, maxZoom: 1.1 });
    });
    return () => cancelAnimationFrame(frame);
  }, [layout, flow]);

  useEffect(() => {
    if (!focus) return;
    const item = store.getState().layout?.items.find((i) => i.id === focus.item);
    if (item)
      void flow.setCenter(item.x + item.width / 2, item.y + item.height / 2, {
        zoom: Math.max(flow.getZoom(), 0.9),
        duration: 250,
      });
  }, [focus, flow, store]);

  const onNodeClick = useCallback<NodeMouseHandler<BlockFlowNode>>(
    (_, node) => select({ kind: 'node', id: node.data.nodes[0] }),
    [select],
  );

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
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodeClick={onNodeClick}
      onPaneClick={() => select(null)}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesFocusable={false}
      onlyRenderVisibleElements
      minZoom={0.05}
      maxZoom={2}
      proOptions={{ hideAttribution: true }}
      aria-label="Model graph"
    >
      <Background gap={24} size={1} color="#e4e7ec" />
      <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} ariaLabel="Graph overview" />
      <Controls showInteractive={false} aria-label="Zoom controls" />
    </ReactFlow>
  );
}

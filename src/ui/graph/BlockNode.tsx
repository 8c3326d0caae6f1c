import { memo } from 'react';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { nodeById, groupById, useStudio, type StudioStore } from '../../state';
import { formatShape } from '../format';
import { groupBoxBackground, groupColor, groupSwatch, heatColor } from './group-colors';

export type BlockNodeData = {
  item: string;
  nodes: string[];
  block: string;
  expandable: boolean;
  expanded: boolean;
};
export type BlockFlowNode = Node<BlockNodeData, 'block'>;

const selectView = (s: StudioStore) => s.model?.view;

/** Short names so a Conv · BN · Relu chain fits one line. */
const SHORT: Record<string, string> = {
  BatchNormalization: 'BN',
  InstanceNormalization: 'IN',
  GlobalAveragePool: 'GlobalAvgPool',
  LeakyRelu: 'LeakyReLU',
};
const selectToggle = (s: StudioStore) => s.toggleBlock;
const selectHeat = (s: StudioStore) => (s.sensitivity?.shown ? s.sensitivity : null);

/**
 * One box on the canvas. It subscribes only to its own emphasis (highlighted, dimmed, search focus),
 * so moving a slider or selecting elsewhere re-renders the boxes whose state changed, not the graph.
 */
export const BlockNode = memo(function BlockNode({ data }: NodeProps<BlockFlowNode>) {
  const view = useStudio(selectView);
  const emphasis = useStudio((s) => (s.highlight.has(data.item) ? 'on' : s.highlight.size ? 'dim' : 'none'));
  const focused = useStudio((s) => s.search.matches[s.search.index] === data.item && s.search.query !== '');
  // The roving tab index: only the cursor's box is a tab stop; arrow keys move it (useGraphKeys).
  const tabStop = useStudio((s) => s.cursor === data.item);
  const toggle = useStudio(selectToggle);
  const heat = useStudio(selectHeat);
  if (!view) return null;
  const nodes = data.nodes.map((id) => nodeById(view, id)).filter((n) => n !== undefined);
  const head = nodes[0];
  // React Flow renders its previous nodes once more after a new model's view is in the store: a box
  // whose ids the new view lacks draws nothing for that frame.
  if (!head) return null;
  const tail = nodes.filter((n) => n.inputs.some((t) => !t.constant) || n === head).at(-1) ?? head;
  const ref =
    tail.primary >= 0 ? tail.groups[tail.primary] : head.primary >= 0 ? head.groups[head.primary] : undefined;
  const group = ref ? groupById(view, ref.group) : undefined;
  const color = group ? groupColor(group.index, group.prunable) : '#d0d5dd';
  const ops = nodes
    .filter((n) => n === head || n.inputs.some((t) => !t.constant))
    .map((n) => SHORT[n.op] ?? n.op);
  const shape = tail.outputs[0]?.shape;
  const blocked = group !== undefined && !group.prunable;
  const drop = heat && group ? heat.drops[group.id] : undefined;
  const background =
    drop !== undefined
      ? heatColor(drop, heat!.max)
      : group
        ? groupBoxBackground(group.index, group.prunable)
        : undefined;
  // Channels (axis 1) stay on screen whatever the shape's length: they are what pruning changes.
  const channels = shape && shape.length >= 2 && typeof shape[1] === 'number' ? shape[1] : group?.channels;
  return (
    <div
      className={`block-node emphasis-${emphasis}${blocked ? ' blocked' : ''}${focused ? ' focused' : ''}`}
      style={{ borderColor: color, background }}
      data-heat={drop === undefined ? undefined : drop.toFixed(2)}
      data-testid="graph-node"
      data-item={data.item}
      tabIndex={tabStop ? 0 : -1}
      role="group"
      aria-roledescription="graph node"
      aria-label={`${ops.join(' · ')} ${head.name}${group ? `, group ${group.id}` : ''}`}
      data-group={group?.id ?? ''}
      data-prunable={group ? String(group.prunable) : ''}
      data-emphasis={emphasis}
      title={
        nodes.map((n) => `${n.op} ${n.name}`).join('\n') +
        (drop === undefined ? '' : `\nsensitivity: −${drop.toFixed(2)} points when pruned alone`)
      }
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span
        className="block-stripe"
        style={{ background: group ? groupSwatch(group.index, group.prunable) : color }}
        aria-hidden="true"
      />
      <div className="block-ops">
        {ops.join(' · ')}
        {data.expandable && (
          <button
            type="button"
            className="block-toggle nodrag"
            aria-label={data.expanded ? `Collapse ${head.name}` : `Expand ${head.name}`}
            onClick={(event) => {
              event.stopPropagation();
              void toggle(data.block);
            }}
          >
            {data.expanded ? '−' : `+${data.nodes.length - 1}`}
          </button>
        )}
      </div>
      <div className="block-name mono">{head.name}</div>
      <div className="block-meta mono">
        <span className="block-shape">{shape ? formatShape(shape) : ''}</span>
        {channels !== undefined && (
          <span className="block-channels" data-testid="node-channels">
            {channels} ch
          </span>
        )}
        {group && <span className="block-group">{group.id}</span>}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

import { groupById, nodeById, useStudio, type StudioStore, type ViewTensor } from '../../state';
import { NodePrecisionFact } from './NodePrecisionFact';
import { formatCount, formatMacs, formatShape, unknownMacsHint } from '../format';
import { groupSwatch } from '../graph/group-colors';

const selectView = (s: StudioStore) => s.model?.view;
const selectSelect = (s: StudioStore) => s.select;
const selectCosts = (s: StudioStore) => s.inputSize.costs;

function Tensors({ title, tensors }: { title: string; tensors: ViewTensor[] }) {
  return (
    <table className="data-table compact">
      <caption>{title}</caption>
      <tbody>
        {tensors.map((t) => (
          <tr key={t.name}>
            <th scope="row" className="mono">
              {t.constant ? '◆ ' : ''}
              {t.name}
            </th>
            <td className="mono num" data-testid="tensor-shape">
              <span title={t.shape ? `[${t.shape.join(', ')}]` : undefined}>
                {t.shape ? formatShape(t.shape) : '?'}
              </span>{' '}
              <span className="muted">{t.dtype}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One node: op, attributes, tensors with shapes, parameters, MACs and the groups it belongs to. */
export function NodeInspector({ nodeId }: { nodeId: string }) {
  const view = useStudio(selectView);
  const select = useStudio(selectSelect);
  const costs = useStudio(selectCosts);
  const node = view ? nodeById(view, nodeId) : undefined;
  if (!view || !node) return null;
  const macs = costs ? (costs.nodes[node.id] ?? null) : node.macs;
  return (
    <div className="inspector-body" data-testid="node-inspector">
      <header className="inspector-title">
        <span className="op-chip">{node.op}</span>
        <h2 className="mono node-title" data-testid="inspector-node-name">
          {node.name}
        </h2>
      </header>
      <dl className="facts">
        <div>
          <dt>Parameters</dt>
          <dd data-testid="node-params">{formatCount(node.params)}</dd>
        </div>
        <div>
          <dt>MACs</dt>
          <dd data-testid="node-macs">{formatMacs(macs)}</dd>
        </div>
      </dl>
      {macs === null && (
        <p className="field-hint" data-testid="node-macs-hint">
          {view.inputSize ? unknownMacsHint(view.inputSize) : 'Unknown: its shapes depend on the data.'}
        </p>
      )}
      <NodePrecisionFact name={node.name} />
      {node.groups.length > 0 && (
        <section aria-label="Pruning groups">
          <h3 className="section-title">Pruning groups</h3>
          <ul className="group-refs">
            {node.groups.map((ref) => {
              const g = groupById(view, ref.group);
              return (
                <li key={`${ref.group}:${ref.role}`}>
                  <button
                    type="button"
                    className="group-ref"
                    onClick={() => select({ kind: 'group', id: ref.group })}
                  >
                    <span
                      className="swatch"
                      style={{ background: g ? groupSwatch(g.index, g.prunable) : '#ccc' }}
                      aria-hidden="true"
                    />
                    {ref.group} <span className={`role-chip role-${ref.role}`}>{ref.role}</span>
                    <span className="muted">
                      {g ? `${g.channels} ch${g.prunable ? '' : ' · blocked'}` : ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <Tensors title="Inputs" tensors={node.inputs} />
      <Tensors title="Outputs" tensors={node.outputs} />
      {node.attrs.length > 0 && (
        <section aria-label="Attributes">
          <h3 className="section-title">Attributes</h3>
          <ul className="attrs mono" data-testid="node-attrs">
            {node.attrs.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

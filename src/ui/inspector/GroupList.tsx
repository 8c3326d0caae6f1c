import { plannedGroup, selectPreview, useStudio, type StudioStore } from '../../state';
import { formatCount } from '../format';
import { groupSwatch } from '../graph/group-colors';
import { groupSize } from './group-size';

const selectView = (s: StudioStore) => s.model?.view;
const selectSelect = (s: StudioStore) => s.select;

/**
 * All pruning groups with what the plan does to each (channels removed, or why it is kept whole);
 * choosing one selects it on the graph.
 */
export function GroupList() {
  const view = useStudio(selectView);
  const select = useStudio(selectSelect);
  const preview = useStudio(selectPreview);
  if (!view) return null;
  const { analysis } = view;
  return (
    <div className="inspector-body">
      <header className="inspector-title">
        <h2>Pruning groups</h2>
        <span className="badge">{view.groups.length}</span>
      </header>
      <p className="muted small-text">
        {Math.round(analysis.prunableShare * 100)}% of producer channels are prunable (
        {formatCount(analysis.prunableProducerChannels)} of {formatCount(analysis.producerChannels)}). Select
        a group or a node to inspect it.
      </p>
      <ul className="group-list" data-testid="group-list">
        {view.groups.map((g) => {
          const planned = plannedGroup(preview, g.id);
          const cut = planned?.prune.length ?? 0;
          const status = planned?.status ?? (g.prunable ? 'unchanged' : 'blocked');
          return (
            <li key={g.id}>
              <button
                type="button"
                className="group-row"
                data-testid="group-row"
                data-group={g.id}
                data-status={status}
                data-keep={planned?.keep ?? g.channels}
                title={planned?.reason}
                onClick={() => select({ kind: 'group', id: g.id })}
              >
                <span
                  className="swatch"
                  style={{ background: groupSwatch(g.index, g.prunable) }}
                  aria-hidden="true"
                />
                <span className="mono group-id">{g.id}</span>
                <span className="group-channels">
                  {formatCount(g.channels)} ch
                  {cut > 0 ? <span className="muted"> −{cut}</span> : null}
                </span>
                <span className="muted group-size" data-testid="group-size">
                  {groupSize(g)}
                </span>
                {status === 'blocked' && <span className="badge blocked">blocked</span>}
                {status === 'excluded' && <span className="badge excluded">kept</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

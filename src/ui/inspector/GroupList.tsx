import { selectPlanned, useStudio, type StudioStore } from '../../state';
import { formatCount } from '../format';
import { groupColor } from '../graph/group-colors';

const selectView = (s: StudioStore) => s.model?.view;
const selectSelect = (s: StudioStore) => s.select;
const selectRemoved = (s: StudioStore) => selectPlanned(s)?.plan.removed;

/** All pruning groups, largest first; choosing one selects it on the graph. */
export function GroupList() {
  const view = useStudio(selectView);
  const select = useStudio(selectSelect);
  const removed = useStudio(selectRemoved);
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
        {view.groups.map((g) => (
          <li key={g.id}>
            <button
              type="button"
              className="group-row"
              data-testid="group-row"
              data-group={g.id}
              onClick={() => select({ kind: 'group', id: g.id })}
            >
              <span
                className={`swatch${g.prunable ? '' : ' hatched'}`}
                style={{ background: groupColor(g.index, g.prunable) }}
                aria-hidden="true"
              />
              <span className="mono group-id">{g.id}</span>
              <span className="group-channels">
                {formatCount(g.channels)} ch
                {g.prunable && removed && removed[g.index] > 0 ? (
                  <span className="muted"> −{removed[g.index]}</span>
                ) : null}
              </span>
              <span className="muted group-size">{g.nodeIds.length} nodes</span>
              {!g.prunable && <span className="badge blocked">blocked</span>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

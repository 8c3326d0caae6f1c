import { useStudio, type StudioStore } from '../../state';
import { GroupInspector } from './GroupInspector';
import { GroupList } from './GroupList';
import { NodeInspector } from './NodeInspector';

const selectSelection = (s: StudioStore) => s.selection;
const selectClear = (s: StudioStore) => s.select;

/** The right-hand panel: the selected group or node, or the list of groups when nothing is selected. */
export function Inspector() {
  const selection = useStudio(selectSelection);
  const select = useStudio(selectClear);
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      {selection && (
        <button type="button" className="button small back" onClick={() => select(null)}>
          ← All groups
        </button>
      )}
      {selection?.kind === 'group' ? (
        <GroupInspector groupId={selection.id} />
      ) : selection?.kind === 'node' ? (
        <NodeInspector nodeId={selection.id} />
      ) : (
        <GroupList />
      )}
    </aside>
  );
}

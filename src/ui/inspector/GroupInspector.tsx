import { useMemo } from 'react';
import {
  groupById,
  plannedGroup,
  selectPreview,
  useStudio,
  viewCriterion,
  type StudioStore,
} from '../../state';
import { formatCount } from '../format';
import { groupSwatch } from '../graph/group-colors';
import { GroupOverride } from './GroupOverride';
import { ImportanceChart } from './ImportanceChart';
import { MemberTable } from './MemberTable';

const selectView = (s: StudioStore) => s.model?.view;
const selectCriterion = (s: StudioStore) => viewCriterion(s.recipe.prune.criterion);
const selectSelect = (s: StudioStore) => s.select;

/**
 * A pruning group: members and roles, why coupled, why blocked or kept whole, channel importance,
 * and the channels the plan removes (the worker's plan: what Run removes).
 */
export function GroupInspector({ groupId }: { groupId: string }) {
  const view = useStudio(selectView);
  const criterion = useStudio(selectCriterion);
  const select = useStudio(selectSelect);
  const group = view ? groupById(view, groupId) : undefined;
  const planned = plannedGroup(useStudio(selectPreview), groupId);
  const removedList = useMemo(() => planned?.prune ?? [], [planned]);
  const removed = useMemo(() => new Set(removedList), [removedList]);
  if (!view || !group) return null;
  const couplings = [...new Set(group.members.map((m) => m.note).filter((n): n is string => !!n))];
  const showNode = (name: string) => {
    const node = view.nodes.find((n) => n.name === name);
    if (node) select({ kind: 'node', id: node.id });
  };
  return (
    <div className="inspector-body" data-testid="group-inspector" data-group={group.id}>
      <header className="inspector-title">
        <span
          className="swatch"
          style={{ background: groupSwatch(group.index, group.prunable) }}
          aria-hidden="true"
        />
        <h2>
          Group <span data-testid="inspector-group-id">{group.id}</span>
        </h2>
        <span
          className={`badge ${!group.prunable ? 'blocked' : planned?.status === 'excluded' ? 'excluded' : 'ok'}`}
          data-testid="group-status"
        >
          {!group.prunable ? 'blocked' : planned?.status === 'excluded' ? 'kept whole' : 'prunable'}
        </span>
      </header>
      <dl className="facts">
        <div>
          <dt>Channels</dt>
          <dd data-testid="group-channels">{formatCount(group.channels)}</dd>
        </div>
        <div>
          <dt>Producer channels</dt>
          <dd>{formatCount(group.producerChannels)}</dd>
        </div>
        <div>
          <dt>Plan removes</dt>
          <dd data-testid="group-removed" data-value={removedList.length}>
            {formatCount(removedList.length)} <span className="muted">of {formatCount(group.channels)}</span>
          </dd>
        </div>
      </dl>

      {!group.prunable && (
        <section aria-label="Why blocked" className="callout blocked">
          <h3>Why it is blocked</h3>
          <ul data-testid="group-reasons">
            {group.reasons.map((r, i) => (
              <li key={i}>{r.message}</li>
            ))}
          </ul>
        </section>
      )}
      {group.prunable && planned?.status === 'excluded' && (
        <section aria-label="Why kept whole" className="callout">
          <h3>Why the plan keeps it whole</h3>
          <p data-testid="group-excluded-reason">{planned.reason}</p>
        </section>
      )}
      {couplings.length > 0 && (
        <section aria-label="Why coupled" className="callout">
          <h3>Why these channels are coupled</h3>
          <ul data-testid="group-couplings">
            {couplings.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </section>
      )}
      {group.constraints.map((c) => (
        <p key={c.name} className="muted small-text">
          Grouped convolution <span className="mono">{c.node}</span>: channels go in {c.blocks} equal blocks.
        </p>
      ))}

      {group.prunable && (
        <>
          <GroupOverride group={group} planned={planned} />
          <h3 className="section-title">Channel importance ({criterion.toUpperCase()})</h3>
          <ImportanceChart
            values={group.importance[criterion]}
            removed={removed}
            criterion={criterion.toUpperCase()}
          />
          {removedList.length > 0 && (
            <p className="small-text removed-list" data-testid="removed-channels">
              Removes channels <span className="mono">{removedList.slice(0, 32).join(', ')}</span>
              {removedList.length > 32 ? ` … and ${removedList.length - 32} more` : ''}
            </p>
          )}
        </>
      )}
      <MemberTable group={group} onNode={showNode} />
    </div>
  );
}

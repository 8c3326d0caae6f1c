import type { ViewGroup } from '../../state';
import { groupSize } from './group-size';

/** Every member of a group: what role it plays, which node makes it one, and why it is coupled. */
export function MemberTable({ group, onNode }: { group: ViewGroup; onNode: (nodeName: string) => void }) {
  return (
    <table className="data-table member-table" data-testid="group-members">
      <caption data-testid="group-size">{groupSize(group)}</caption>
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Node / value</th>
          <th scope="col" className="num">
            Axis
          </th>
        </tr>
      </thead>
      <tbody>
        {group.members.map((m, i) => (
          <tr key={`${m.kind}:${m.name}:${m.axis}:${i}`} data-role={m.role} data-testid="group-member">
            <td>
              <span className={`role-chip role-${m.role}`}>{m.role}</span>
            </td>
            <td>
              {m.node ? (
                <button
                  type="button"
                  className="link mono"
                  onClick={() => onNode(m.node)}
                  title={`Show ${m.node}`}
                >
                  {m.opType} {m.node}
                </button>
              ) : (
                <span className="mono">{m.role === 'input' ? 'graph input' : 'graph output'}</span>
              )}
              <div className="mono muted member-value" data-testid="member-name">
                {m.kind === 'parameter' ? '◆ ' : ''}
                {m.name}
              </div>
              {m.note && <div className="member-note">{m.note}</div>}
            </td>
            <td className="num mono">
              {m.axis}
              <span className="muted">/{m.extent}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

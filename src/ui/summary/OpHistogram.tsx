import type { ModelSummary } from '../../state';
import { formatCount } from '../format';

/** Operator counts as a table with inline bars (plain CSS; no chart library needed for one series). */
export function OpHistogram({ histogram }: { histogram: ModelSummary['opHistogram'] }) {
  const max = Math.max(1, ...histogram.map((entry) => entry.count));
  return (
    <table className="data-table op-histogram" data-testid="op-histogram">
      <caption>Operators</caption>
      <thead>
        <tr>
          <th scope="col">Op</th>
          <th scope="col" className="num">
            Count
          </th>
          <th scope="col">
            <span className="visually-hidden">Share</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {histogram.map(({ op, count }) => (
          <tr key={op} data-op={op}>
            <th scope="row" className="mono">
              {op}
            </th>
            <td className="num" data-testid="op-count">
              {formatCount(count)}
            </td>
            <td className="bar-cell" aria-hidden="true">
              <span className="bar" style={{ width: `${(count / max) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

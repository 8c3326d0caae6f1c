import { selectPlanned, useStudio } from '../../state';
import { formatBytes, formatCompact, formatCount } from '../format';

function Row({
  label,
  testId,
  before,
  after,
  format,
}: {
  label: string;
  testId: string;
  before: number;
  after: number;
  format: (n: number) => string;
}) {
  const change = before > 0 ? (after / before - 1) * 100 : 0;
  return (
    <div className="estimate-row">
      <dt>{label}</dt>
      <dd>
        <span className="estimate-value" data-testid={testId} data-value={after}>
          {format(after)}
        </span>
        <span className={`estimate-change${change < 0 ? ' down' : ''}`}>
          {change === 0 ? '±0%' : `${change.toFixed(1)}%`}
        </span>
        <span className="estimate-bar" aria-hidden="true">
          <span style={{ width: `${before > 0 ? Math.min(100, (after / before) * 100) : 100}%` }} />
        </span>
      </dd>
    </div>
  );
}

/** Parameters, MACs and size of the planned model, recomputed on the main thread as the sliders move. */
export function EstimatePanel() {
  const planned = useStudio(selectPlanned);
  if (!planned) return null;
  const { original, planned: after, plan } = planned;
  return (
    <section className="estimate" aria-label="Planned model" aria-live="polite">
      <h2 className="panel-title">Planned model</h2>
      <dl>
        <Row
          label="Parameters"
          testId="est-params"
          before={original.parameters}
          after={after.parameters}
          format={formatCount}
        />
        <Row
          label="MACs"
          testId="est-macs"
          before={original.macs}
          after={after.macs}
          format={formatCompact}
        />
        <Row
          label="Size (float32)"
          testId="est-bytes"
          before={original.bytes}
          after={after.bytes}
          format={formatBytes}
        />
      </dl>
      <p className="muted small-text" data-testid="est-channels">
        Removes {formatCount(plan.removedTotal)} of {formatCount(plan.prunableTotal)} prunable channels
        {planned.ratio > 0 ? ` (ratio ${Math.round(planned.ratio * 100)}%)` : ''}.
      </p>
    </section>
  );
}

import { selectPlan, useStudio, type StudioStore } from '../../state';
import { formatBytes, formatCompact, formatCount, unknownMacsHint } from '../format';

const selectWanted = (s: StudioStore) => s.model?.view.inputSize ?? null;

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

/**
 * Parameters and MACs of the planned model, as the worker's planner (the one the run uses) predicts
 * them for the current settings; the figures dim while a change is being planned.
 */
export function EstimatePanel() {
  const { preview, pending, error } = useStudio(selectPlan);
  const wanted = useStudio(selectWanted);
  if (!preview) {
    if (!error) return null;
    return (
      <section className="estimate" aria-label="Planned model">
        <h2 className="panel-title">Planned model</h2>
        <p className="small-text error-text" data-testid="plan-error">
          {error}
        </p>
      </section>
    );
  }
  const { before, after } = preview;
  const excluded = preview.groups.filter((g) => g.status === 'excluded').length;
  return (
    <section
      className={`estimate${pending ? ' pending' : ''}`}
      aria-label="Planned model"
      aria-live="polite"
      aria-busy={pending}
      data-testid="estimate"
      data-pending={pending}
    >
      <h2 className="panel-title">Planned model</h2>
      <dl>
        <Row
          label="Parameters"
          testId="est-params"
          before={before.parameters}
          after={after.parameters}
          format={formatCount}
        />
        {before.macs !== null && after.macs !== null ? (
          <Row
            label="MACs"
            testId="est-macs"
            before={before.macs}
            after={after.macs}
            format={formatCompact}
          />
        ) : (
          <div className="estimate-row">
            <dt>MACs</dt>
            <dd>
              <span className="estimate-value" data-testid="est-macs" data-value="">
                unknown
              </span>
            </dd>
          </div>
        )}
        <Row
          label="Weights (float32)"
          testId="est-bytes"
          before={before.parameters * 4}
          after={after.parameters * 4}
          format={formatBytes}
        />
      </dl>
      {(before.macs === null || after.macs === null) && (
        <p className="field-hint" data-testid="est-macs-hint">
          {wanted ? unknownMacsHint(wanted) : 'MACs unknown: some shapes depend on the data.'}
        </p>
      )}
      <p className="muted small-text" data-testid="est-channels">
        {preview.prunes
          ? `Removes ${formatCount(preview.prunedChannels)} of ${formatCount(preview.prunableChannels)} channels in the groups it may prune`
          : 'Prunes nothing'}
        {excluded ? `; ${excluded} group${excluded === 1 ? '' : 's'} kept whole by the rules below` : ''}.
      </p>
      {error && (
        <p className="small-text error-text" data-testid="plan-error">
          {error}
        </p>
      )}
      {preview.notes.map((note) => (
        <p key={note} className="small-text" data-testid="plan-note">
          {note}
        </p>
      ))}
    </section>
  );
}

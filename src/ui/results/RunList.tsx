import { metricTitle, stageMetric } from '../../core/report';
import { useStudio, type StudioStore } from '../../state';

const selectRuns = (s: StudioStore) => s.runs;
const selectActive = (s: StudioStore) => s.activeRun;
const selectCompare = (s: StudioStore) => s.compare;
const selectSelectRun = (s: StudioStore) => s.selectRun;
const selectToggle = (s: StudioStore) => s.toggleCompare;
const selectRemove = (s: StudioStore) => s.removeRun;

/** Finished runs: pick the one the table shows, tick the ones the chart compares. */
export function RunList() {
  const runs = useStudio(selectRuns);
  const active = useStudio(selectActive);
  const compare = useStudio(selectCompare);
  const selectRun = useStudio(selectSelectRun);
  const toggle = useStudio(selectToggle);
  const remove = useStudio(selectRemove);
  return (
    <ul className="run-list" aria-label="Runs" data-testid="run-list">
      {runs.map((run) => {
        const final = run.summary.stages.find((s) => s.name === run.summary.final);
        const value = final ? stageMetric(final.result, run.summary.metric) : undefined;
        return (
          <li
            key={run.id}
            className={run.id === active ? 'active' : undefined}
            data-testid="run-item"
            data-run={run.id}
          >
            <label className="check" title="Draw on the chart">
              <input
                type="checkbox"
                checked={compare.includes(run.id)}
                onChange={() => toggle(run.id)}
                aria-label={`Compare ${run.label} on the chart`}
              />
            </label>
            <button
              type="button"
              className="run-select"
              aria-pressed={run.id === active}
              onClick={() => selectRun(run.id)}
            >
              <span className="run-label">{run.label}</span>
              <span className="muted small-text">
                {run.modelFile}
                {value !== undefined &&
                  ` · final ${(100 * value).toFixed(2)} % ${metricTitle(run.summary.stages, run.summary.metric)}`}
              </span>
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => void remove(run.id)}
              aria-label={`Remove ${run.label}`}
            >
              ✕
            </button>
          </li>
        );
      })}
    </ul>
  );
}

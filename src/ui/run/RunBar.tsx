import { describeRecipe, useStudio, type StudioStore } from '../../state';
import { PhaseProgress } from './PhaseProgress';

const selectRunning = (s: StudioStore) => s.running;
const selectRun = (s: StudioStore) => s.run;
const selectCancel = (s: StudioStore) => s.cancelRun;
const selectError = (s: StudioStore) => s.runError;
const selectDismiss = (s: StudioStore) => s.dismissRunError;
const selectReady = (s: StudioStore) => s.model !== null && s.data.calibration.dataset !== null;
const selectMisfit = (s: StudioStore) =>
  (['calibration', 'evaluation'] as const).some((r) => s.data[r].dataset && s.data[r].preprocessError);
const selectPlanText = (s: StudioStore): string | null => {
  try {
    return describeRecipe(s.coreRecipe());
  } catch {
    return null;
  }
};

/** Run and Cancel, what the run will do, per-phase progress, and why the last run failed. */
export function RunBar() {
  const running = useStudio(selectRunning);
  const run = useStudio(selectRun);
  const cancel = useStudio(selectCancel);
  const error = useStudio(selectError);
  const dismiss = useStudio(selectDismiss);
  const ready = useStudio(selectReady);
  const misfit = useStudio(selectMisfit);
  const planText = useStudio(selectPlanText);
  return (
    <section className="run-bar" aria-label="Run the pipeline">
      <div className="run-row">
        {running ? (
          <button
            type="button"
            className="button danger"
            onClick={cancel}
            disabled={running.cancelling}
            data-testid="cancel-run"
          >
            {running.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            onClick={() => void run()}
            data-testid="run-pipeline"
            aria-describedby="run-plan"
          >
            ▶ Run pipeline
          </button>
        )}
        <span id="run-plan" className="run-plan">
          {running ? (
            <span role="status" data-testid="run-message">
              {running.message}
            </span>
          ) : (
            <>
              <strong>{planText ?? 'Check the settings'}</strong>
              {!ready && <span className="muted"> · needs a model and a calibration set</span>}
              {ready && misfit && (
                <span className="error-text" data-testid="run-misfit">
                  {' '}
                  · the data cannot feed this model
                </span>
              )}
            </>
          )}
        </span>
      </div>
      {running && <PhaseProgress running={running} />}
      {error && (
        <div role="alert" className="inline-error run-error" data-testid="run-error">
          <span>{error}</span>
          <button type="button" className="link" onClick={dismiss} aria-label="Dismiss the run error">
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}

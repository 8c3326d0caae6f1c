import { useStudio, type StudioStore } from '../state';

const selectError = (s: StudioStore) => s.error;
const selectLoading = (s: StudioStore) => s.loading;
const selectDismiss = (s: StudioStore) => s.dismissError;
const selectOpenJob = (s: StudioStore) => s.jobs.findLast((j) => j.kind === 'open' && j.status === 'running');

const phaseText: Record<string, string> = {
  read: 'Reading',
  decode: 'Decoding',
  import: 'Building the graph',
  shapes: 'Inferring shapes',
  costs: 'Counting costs',
  analysis: 'Analysing channel groups',
  importance: 'Scoring channels',
  view: 'Preparing the view',
  layout: 'Laying out the graph',
};

/** Shows what is being opened (with progress), or why the last file could not be opened. */
export function StatusBanner() {
  const error = useStudio(selectError);
  const loading = useStudio(selectLoading);
  const job = useStudio(selectOpenJob);
  const dismiss = useStudio(selectDismiss);
  return (
    <>
      <div role="status" aria-live="polite" className="status-line" data-testid="loading">
        {loading && (
          <>
            <span>
              {job?.phase ? (phaseText[job.phase] ?? job.phase) : 'Opening'} {loading}…
            </span>
            <progress
              max={1}
              value={job?.phase === 'read' ? job.fraction : undefined}
              aria-label={`Opening ${loading}`}
            />
          </>
        )}
      </div>
      {error && (
        <div role="alert" className="error-banner" data-testid="load-error" data-code={error.code}>
          <div>
            <strong>
              Could not open <span className="mono">{error.fileName}</span>.
            </strong>{' '}
            <span data-testid="load-error-message">{error.message}</span>
          </div>
          <button type="button" className="button ghost" aria-label="Dismiss error" onClick={dismiss}>
            ✕
          </button>
        </div>
      )}
    </>
  );
}

import { useStudio, type StudioStore } from '../state';

const selectError = (s: StudioStore) => s.error;
const selectLoading = (s: StudioStore) => s.loading;
const selectDismiss = (s: StudioStore) => s.dismissError;

/** Shows what is being analysed, or why the last file could not be opened. */
export function StatusBanner() {
  const error = useStudio(selectError);
  const loading = useStudio(selectLoading);
  const dismiss = useStudio(selectDismiss);
  return (
    <>
      <div role="status" aria-live="polite" className="status-line" data-testid="loading">
        {loading && <>Analysing {loading}…</>}
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

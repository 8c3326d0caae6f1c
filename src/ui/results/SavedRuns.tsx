import { useStudio, type StudioStore } from '../../state';
import { formatBytes } from '../format';

const selectStorage = (s: StudioStore) => s.storage;
const selectClear = (s: StudioStore) => s.clearSavedRuns;

/** Where the runs are kept (this browser's storage, with its use) and the way to forget them. */
export function SavedRuns() {
  const storage = useStudio(selectStorage);
  const clear = useStudio(selectClear);
  return (
    <div className="saved-runs muted small-text" data-testid="saved-runs">
      <span data-testid="storage-use">
        Runs, their models and the settings are kept in this browser
        {storage && ` · ${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)}`}
      </span>
      <button
        type="button"
        className="button ghost small"
        data-testid="clear-saved-runs"
        title="Forget every run, its models and the saved settings; the settings on screen stay"
        onClick={() => void clear()}
      >
        Clear saved runs
      </button>
    </div>
  );
}

import { useStudio, type StudioStore } from '../state';

const selectRecipeError = (s: StudioStore) => s.recipeError;
const selectWorkerNotice = (s: StudioStore) => s.workerNotice;
const selectDismissRecipe = (s: StudioStore) => s.dismissRecipeError;
const selectDismissWorker = (s: StudioStore) => s.dismissWorkerNotice;

/** A refused recipe (field by field; the settings were kept) and a replaced worker. */
export function Notices() {
  const recipeError = useStudio(selectRecipeError);
  const workerNotice = useStudio(selectWorkerNotice);
  const dismissRecipe = useStudio(selectDismissRecipe);
  const dismissWorker = useStudio(selectDismissWorker);
  return (
    <>
      {recipeError && (
        <div role="alert" className="error-banner" data-testid="recipe-error">
          <div>
            <strong>
              The recipe <span className="mono">{recipeError.fileName}</span> was not applied; your settings
              are unchanged.
            </strong>
            <ul className="problem-list" data-testid="recipe-problems">
              {recipeError.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
          <button
            type="button"
            className="button ghost"
            aria-label="Dismiss the recipe error"
            onClick={dismissRecipe}
          >
            ✕
          </button>
        </div>
      )}
      {workerNotice && (
        <div role="alert" className="error-banner" data-testid="worker-notice">
          <div>{workerNotice}</div>
          <button
            type="button"
            className="button ghost"
            aria-label="Dismiss the worker notice"
            onClick={dismissWorker}
          >
            ✕
          </button>
        </div>
      )}
    </>
  );
}

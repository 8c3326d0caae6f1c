import { useRef } from 'react';
import { useStudio, type StudioStore } from '../../state';

const selectApply = (s: StudioStore) => s.applyRecipeText;

/** Loads a recipe `.json` (the same as dropping it on the page). */
export function RecipeFileButton() {
  const apply = useStudio(selectApply);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="recipe-file">
      <button type="button" className="button small" onClick={() => input.current?.click()}>
        Load recipe…
      </button>
      <span className="field-hint">or drop a recipe .json anywhere</span>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Recipe JSON file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void file.text().then((text) => apply(file.name, text));
        }}
      />
    </div>
  );
}

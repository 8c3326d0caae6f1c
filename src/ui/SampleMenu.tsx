import { useId } from 'react';
import { builtInSamples, useStudio, type StudioStore } from '../state';

const selectOpenSample = (s: StudioStore) => s.openSample;
const selectCurrent = (s: StudioStore) => (s.model?.isSample ? s.model.fileName : '');

/** Opens one of the built-in models. */
export function SampleMenu() {
  const openSample = useStudio(selectOpenSample);
  const current = useStudio(selectCurrent);
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Built-in sample model
      </label>
      <select
        id={id}
        className="sample-select"
        value={current}
        data-testid="sample-select"
        onChange={(e) => e.target.value && void openSample(e.target.value)}
      >
        <option value="">Samples…</option>
        {builtInSamples.models.map((m) => (
          <option key={m.fileName} value={m.fileName}>
            {m.label}
          </option>
        ))}
      </select>
    </>
  );
}

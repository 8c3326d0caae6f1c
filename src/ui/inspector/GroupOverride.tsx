import { useId } from 'react';
import { useStudio, type StudioStore, type ViewGroup } from '../../state';

const selectOverrides = (s: StudioStore) => s.recipe.prune.overrides;
const selectRatio = (s: StudioStore) => s.recipe.prune.ratio;
const selectSetOverride = (s: StudioStore) => s.setGroupOverride;

/** A per-group ratio that replaces the global one for this group. */
export function GroupOverride({ group }: { group: ViewGroup }) {
  const overrides = useStudio(selectOverrides);
  const global = useStudio(selectRatio);
  const setOverride = useStudio(selectSetOverride);
  const id = useId();
  const value = overrides[group.id];
  const active = value !== undefined;
  return (
    <div className="override">
      <label className="check">
        <input
          type="checkbox"
          checked={active}
          onChange={(e) => setOverride(group.id, e.target.checked ? global : null)}
          data-testid="override-toggle"
        />
        Own ratio for this group
      </label>
      <div className="slider-row">
        <label htmlFor={id} className="visually-hidden">
          Ratio for group {group.id}
        </label>
        <input
          id={id}
          type="range"
          min={0}
          max={0.9}
          step={0.01}
          disabled={!active}
          value={active ? value : global}
          onChange={(e) => setOverride(group.id, Number(e.target.value))}
          data-testid="override-slider"
        />
        <output htmlFor={id} className="mono">
          {Math.round((active ? value : global) * 100)}%
        </output>
      </div>
    </div>
  );
}

import { useId } from 'react';
import { useStudio, type PreviewGroup, type StudioStore, type ViewGroup } from '../../state';

const selectOverrides = (s: StudioStore) => s.recipe.prune.overrides;
const selectRatio = (s: StudioStore) => s.recipe.prune.ratio;
const selectTarget = (s: StudioStore) => s.recipe.prune.target;
const selectRanking = (s: StudioStore) => s.recipe.prune.ranking;
const selectSetOverride = (s: StudioStore) => s.setGroupOverride;

/**
 * A per-group ratio that replaces the plan's choice for this group. Until one is set it shows what
 * the plan removes here: the ratio slider's value under a per-group ratio, the group's own share
 * under a MAC target or global ranking (where the slider's ratio says nothing about this group).
 */
export function GroupOverride({ group, planned }: { group: ViewGroup; planned: PreviewGroup | undefined }) {
  const overrides = useStudio(selectOverrides);
  const global = useStudio(selectRatio);
  const target = useStudio(selectTarget);
  const ranking = useStudio(selectRanking);
  const setOverride = useStudio(selectSetOverride);
  const id = useId();
  const value = overrides[group.id];
  const active = value !== undefined;
  const planShare = planned ? planned.prune.length / Math.max(1, planned.channels) : 0;
  const followsSlider = target === 'ratio' && ranking === 'per-group' && planned?.status !== 'excluded';
  const shown = active ? value : followsSlider ? global : Math.round(planShare * 100) / 100;
  return (
    <div className="override">
      <label className="check">
        <input
          type="checkbox"
          checked={active}
          onChange={(e) => setOverride(group.id, e.target.checked ? shown : null)}
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
          value={shown}
          onChange={(e) => setOverride(group.id, Number(e.target.value))}
          data-testid="override-slider"
        />
        <output htmlFor={id} className="mono" data-testid="override-value">
          {Math.round(shown * 100)}%
        </output>
      </div>
      {!active && !followsSlider && (
        <p className="muted small-text" data-testid="override-source">
          {planned?.status === 'excluded'
            ? 'Kept whole by the rules; an own ratio prunes it anyway.'
            : `What the ${target === 'macs' ? 'MAC target' : 'global ranking'} removes here.`}
        </p>
      )}
    </div>
  );
}

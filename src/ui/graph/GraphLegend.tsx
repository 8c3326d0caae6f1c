import { useStudio, type StudioStore } from '../../state';
import { groupSwatch, heatColor } from './group-colors';

const selectHeat = (s: StudioStore) => (s.sensitivity?.shown ? s.sensitivity : null);

/** What the colours and patterns mean; with the sensitivity overlay on, its scale. */
export function GraphLegend() {
  const heat = useStudio(selectHeat);
  return (
    <div className="graph-legend" aria-label="Legend">
      {heat ? (
        <span data-testid="heat-legend">
          <i
            className="legend-swatch heat"
            aria-hidden="true"
            style={{ background: `linear-gradient(90deg, ${heatColor(0, 1)}, ${heatColor(1, 1)})` }}
          />{' '}
          {heat.metric} drop when a group alone loses {Math.round(heat.ratio * 100)} % of its channels: 0 to{' '}
          {heat.max.toFixed(2)} points
        </span>
      ) : (
        <>
          <span>
            <i className="legend-swatch" aria-hidden="true" style={{ background: groupSwatch(1, true) }} />
            <i
              className="legend-swatch"
              aria-hidden="true"
              style={{ background: groupSwatch(2, true) }}
            />{' '}
            pruning group (own colour and pattern)
          </span>
          <span>
            <i className="legend-swatch blocked" aria-hidden="true" /> blocked group
          </span>
          <span>
            <i className="legend-swatch none" aria-hidden="true" /> no channels
          </span>
        </>
      )}
    </div>
  );
}

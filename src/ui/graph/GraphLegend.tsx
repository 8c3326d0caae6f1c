/** What the colours and hatching mean. */
export function GraphLegend() {
  return (
    <div className="graph-legend" aria-label="Legend">
      <span>
        <i className="legend-swatch prunable" aria-hidden="true" /> pruning group (one colour each)
      </span>
      <span>
        <i className="legend-swatch blocked" aria-hidden="true" /> blocked group
      </span>
      <span>
        <i className="legend-swatch none" aria-hidden="true" /> no channels
      </span>
    </div>
  );
}

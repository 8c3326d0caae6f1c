import { useStudio, type StudioStore } from '../../state';
import { useGraphViewport } from './useGraphViewport';

const selectSearch = (s: StudioStore) => s.search;
const selectSetSearch = (s: StudioStore) => s.setSearch;
const selectStep = (s: StudioStore) => s.stepSearch;
const selectCollapse = (s: StudioStore) => s.collapseAll;
const selectExpandedCount = (s: StudioStore) => s.expanded.length;
const selectCounts = (s: StudioStore) =>
  s.model && s.layout ? `${s.layout.items.length} blocks · ${s.model.view.nodes.length} nodes` : '';

/** Search by node or tensor name, fit, collapse. Enter jumps to the next match, Shift+Enter back. */
export function GraphToolbar() {
  const search = useStudio(selectSearch);
  const setSearch = useStudio(selectSetSearch);
  const step = useStudio(selectStep);
  const collapseAll = useStudio(selectCollapse);
  const expandedCount = useStudio(selectExpandedCount);
  const counts = useStudio(selectCounts);
  const { fit } = useGraphViewport();
  return (
    <div className="graph-toolbar" role="toolbar" aria-label="Graph">
      <label className="search-field">
        <span className="visually-hidden">Search nodes and tensors</span>
        <input
          type="search"
          placeholder="Search node or tensor name…"
          value={search.query}
          data-testid="graph-search"
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') step(e.shiftKey ? -1 : 1);
          }}
        />
      </label>
      <span className="muted search-count" aria-live="polite" data-testid="search-count">
        {search.query
          ? search.matches.length
            ? `${search.index + 1} / ${search.matches.length}`
            : 'no match'
          : ''}
      </span>
      <button
        type="button"
        className="button small"
        onClick={() => step(-1)}
        disabled={!search.matches.length}
        aria-label="Previous match"
      >
        ↑
      </button>
      <button
        type="button"
        className="button small"
        onClick={() => step(1)}
        disabled={!search.matches.length}
        aria-label="Next match"
      >
        ↓
      </button>
      <span className="toolbar-spacer" />
      <span className="muted small-text graph-counts" data-testid="graph-counts">
        {counts}
      </span>
      <button
        type="button"
        className="button small"
        onClick={() => void collapseAll()}
        disabled={expandedCount === 0}
      >
        Collapse all
      </button>
      <button
        type="button"
        className="button small"
        onClick={() => fit(250)}
        data-testid="graph-fit"
        title="Whole graph, or its start at a readable size when it is too large"
      >
        Fit
      </button>
    </div>
  );
}

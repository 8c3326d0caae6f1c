import { nodePrecision, selectActiveRun, useStudio, type StudioStore } from '../../state';
import { formatRuntimeKey } from '../format';

const selectSummary = (s: StudioStore) => selectActiveRun(s)?.summary;

const MODE: Record<string, string> = {
  speed: 'INT8 only where measured faster',
  auto: 'INT8 unless measured slower',
};

/** The precision the shown run gave this node by measurement, and why (nothing when it did not measure). */
export function NodePrecisionFact({ name }: { name: string }) {
  const found = nodePrecision(useStudio(selectSummary), name);
  if (!found) return null;
  const { node } = found;
  return (
    <section aria-label="Precision" data-testid="node-precision" data-precision={node.precision}>
      <h3 className="section-title">Precision in the last run</h3>
      <p>
        <strong>{node.precision === 'int8' ? 'INT8' : 'float'}</strong>{' '}
        <span className="muted">
          ({found.stage}, {MODE[found.mode] ?? found.mode}, timed on {formatRuntimeKey(found.runtime)})
        </span>
      </p>
      <p className="field-hint" data-testid="node-precision-reason">
        {node.reason}
      </p>
    </section>
  );
}

import type { LoadedModel } from '../../state';
import { formatBytes, formatOpset } from '../format';
import { OpHistogram } from './OpHistogram';
import { StatGrid } from './StatGrid';
import { TensorTable } from './TensorTable';

/** Everything the studio knows about the open model before any pruning or quantization. */
export function ModelSummaryView({ model }: { model: LoadedModel }) {
  const { summary } = model;
  return (
    <article className="summary" data-testid="summary" aria-labelledby="model-title">
      <header className="summary-header">
        <div>
          <h2 id="model-title" data-testid="file-name">
            {model.fileName}
          </h2>
          <p className="muted">
            <span>
              graph <span data-testid="model-name">{summary.name || '(unnamed)'}</span>
            </span>
            {model.isSample && <span className="badge">built-in sample</span>}
          </p>
        </div>
        <dl className="meta">
          <div>
            <dt>IR version</dt>
            <dd>{summary.irVersion}</dd>
          </div>
          <div>
            <dt>Opsets</dt>
            <dd>{summary.opsets.map(formatOpset).join(', ')}</dd>
          </div>
          <div>
            <dt>Producer</dt>
            <dd>{summary.producer || '—'}</dd>
          </div>
          {summary.fileBytes !== undefined && (
            <div>
              <dt>File size</dt>
              <dd>{formatBytes(summary.fileBytes)}</dd>
            </div>
          )}
        </dl>
      </header>

      <StatGrid summary={summary} />

      <div className="summary-columns">
        <section className="panel" aria-label="Inputs and outputs">
          <TensorTable title="Inputs" tensors={summary.inputs} testId="inputs" />
          <TensorTable title="Outputs" tensors={summary.outputs} testId="outputs" />
        </section>
        <section className="panel" aria-label="Operator histogram">
          <OpHistogram histogram={summary.opHistogram} />
        </section>
      </div>
    </article>
  );
}

import type { Interval } from '../../core/eval';
import { metricFigures, metricTitle, samplingNote, stageRows, type StageRow } from '../../core/report';
import type { RunRecord } from '../../state';
import { formatBytes, formatCount } from '../format';

const pct = (x: number | undefined, digits = 1) => (x === undefined ? '—' : `${(100 * x).toFixed(digits)} %`);
const drop = (x: number | undefined) =>
  x === undefined ? '—' : x === 0 ? '±0.00' : `${x > 0 ? '−' : '+'}${Math.abs(x).toFixed(2)}`;

/** A subset's 95 % interval under its figure: accuracy in %, a drop in points. */
function Range({ interval, points }: { interval?: Interval; points?: boolean }) {
  if (!interval) return null;
  const text = points
    ? `${drop(interval.low)} to ${drop(interval.high)}`
    : `${(100 * interval.low).toFixed(1)}–${(100 * interval.high).toFixed(1)} %`;
  return (
    <span className="interval" data-testid="stage-interval" title="95 % interval on this subset">
      95 %: {text}
    </span>
  );
}

function Ratio({ value }: { value: number | undefined }) {
  if (value === undefined || value === 0) return null;
  return <span className="ratio">−{(100 * value).toFixed(1)} %</span>;
}

/** The run's stages against the original: metric, latency per backend, size, parameters, MACs. */
export function StageTable({ run, onDownload }: { run: RunRecord; onDownload: (stage: string) => void }) {
  const { summary } = run;
  const rows: StageRow[] = stageRows(summary.stages, summary.metric);
  const metricName = metricTitle(summary.stages, summary.metric);
  // The task's other figures beside its headline (pixel accuracy; mAP@[.5:.95], mAP@.75).
  const headline = summary.stages[0]?.result.score?.metric;
  const extra =
    summary.metric === 'accuracy'
      ? metricFigures(summary.stages)
          .filter((f) => f !== headline)
          .slice(0, 2)
      : [];
  const figureOf = (name: string, figure: string) =>
    summary.stages.find((s) => s.name === name)?.result.score?.figures[figure];
  const sampling = samplingNote(summary.stages);
  return (
    <div className="table-scroll">
      {sampling && (
        <p className="small-text muted stage-sampling" data-testid="stage-sampling">
          Evaluated on {sampling}.
        </p>
      )}
      <table className="data-table stage-table" data-testid="stage-table">
        <caption className="visually-hidden">Stages of {run.label}</caption>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col" className="num">
              {metricName}
            </th>
            <th scope="col" className="num">
              Δ points
            </th>
            {extra.map((f) => (
              <th key={f} scope="col" className="num">
                {f}
              </th>
            ))}
            {summary.latencyBackends.map((b) => (
              <th key={b} scope="col" className="num">
                Latency {b}
              </th>
            ))}
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Parameters
            </th>
            <th scope="col" className="num">
              MACs
            </th>
            <th scope="col">
              <span className="visually-hidden">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.name}
              data-testid="stage-row"
              data-stage={r.name}
              className={r.name === summary.final ? 'final' : undefined}
            >
              <th scope="row">
                {r.label}
                {r.name === summary.final && <span className="badge ok">final</span>}
              </th>
              <td className="num" data-testid="stage-metric" data-value={r.metric}>
                {pct(r.metric, 2)}
                <Range interval={r.metricInterval} />
              </td>
              <td className={`num${(r.metricDrop ?? 0) > 0.005 ? ' worse' : ''}`}>
                {drop(r.metricDrop)}
                <Range interval={r.dropInterval} points />
              </td>
              {extra.map((f) => {
                const v = figureOf(r.name, f);
                return (
                  <td key={f} className="num" data-testid="stage-figure" data-figure={f} data-value={v}>
                    {pct(v, 2)}
                  </td>
                );
              })}
              {summary.latencyBackends.map((b) => {
                const l = r.latency.find((x) => x.backend === b);
                return (
                  <td key={b} className="num" data-testid={`stage-latency-${b}`} data-value={l?.medianMs}>
                    {l ? `${l.medianMs.toFixed(3)} ms` : '—'}
                    {l && r.name !== 'original' && (
                      <span className={`ratio${l.speedup >= 1 ? ' good' : ' bad'}`}>
                        {l.speedup.toFixed(2)}×
                      </span>
                    )}
                  </td>
                );
              })}
              <td className="num" data-testid="stage-bytes" data-value={r.bytes}>
                {formatBytes(r.bytes)}
                <Ratio value={r.sizeReduction} />
              </td>
              <td className="num" data-testid="stage-params" data-value={r.parameters}>
                {r.parameters === undefined ? '—' : formatCount(r.parameters)}
                <Ratio value={r.weightsPruned} />
              </td>
              <td className="num" data-testid="stage-macs" data-value={r.macs}>
                {r.macs === undefined ? '—' : formatCount(r.macs)}
                <Ratio value={r.macsPruned} />
              </td>
              <td>
                <button
                  type="button"
                  className="button small"
                  disabled={run.modelsLost}
                  onClick={() => onDownload(r.name)}
                  aria-label={`Download the ${r.label} model (.onnx)`}
                  data-testid="download-stage"
                >
                  .onnx
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

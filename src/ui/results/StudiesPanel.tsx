import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio, type StudioStore } from '../../state';
import { niceTicks } from '../ticks';

const selectSweep = (s: StudioStore) => s.sweep;
const selectSensitivity = (s: StudioStore) => s.sensitivity;
const selectRunSweep = (s: StudioStore) => s.runSweep;
const selectCompute = (s: StudioStore) => s.computeSensitivity;
const selectShow = (s: StudioStore) => s.showSensitivity;
const selectBusy = (s: StudioStore) => s.running !== null;
const selectFile = (s: StudioStore) => s.model?.fileName;

/** On request: accuracy against pruning ratio, and per-group sensitivity painted on the graph. */
export function StudiesPanel() {
  const sweep = useStudio(selectSweep);
  const sensitivity = useStudio(selectSensitivity);
  const runSweep = useStudio(selectRunSweep);
  const compute = useStudio(selectCompute);
  const show = useStudio(selectShow);
  const busy = useStudio(selectBusy);
  const file = useStudio(selectFile);
  const data = sweep?.points.map((p) => ({ ratio: Math.round(100 * p.ratio), value: 100 * p.metric }));
  const values = data?.map((d) => d.value) ?? [];
  const yTicks = values.length ? niceTicks(Math.min(...values), Math.max(...values), 4) : [];
  return (
    <section className="studies" aria-labelledby="studies-title">
      <h3 id="studies-title" className="results-title">
        Studies
      </h3>
      <div className="study">
        <div className="study-head">
          <div>
            <strong>Accuracy against pruning ratio</strong>
            <p className="muted small-text">
              The pipeline at 0, 20, 40 and 60 % with recovery and without INT8, scored like the runs.
            </p>
          </div>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void runSweep()}
            data-testid="run-sweep"
          >
            Run sweep
          </button>
        </div>
        {data && sweep && sweep.modelFile === file && (
          <figure
            className="result-chart"
            data-testid="sweep-chart"
            aria-label="Accuracy against pruning ratio"
          >
            <ResponsiveContainer width="100%" height={200}>
              <LineChart data={data} margin={{ top: 8, right: 24, bottom: 18, left: 8 }}>
                <CartesianGrid stroke="#eaecf0" />
                <XAxis
                  dataKey="ratio"
                  unit=" %"
                  tick={{ fontSize: 11 }}
                  label={{ value: 'channels pruned', position: 'insideBottom', offset: -10, fontSize: 12 }}
                />
                <YAxis
                  unit=" %"
                  domain={[yTicks[0] ?? 'auto', yTicks.at(-1) ?? 'auto']}
                  ticks={yTicks}
                  tick={{ fontSize: 11 }}
                  width={64}
                />
                <Tooltip
                  formatter={(v) => [
                    `${Number(v).toFixed(2)} %`,
                    sweep.metric === 'accuracy' ? 'top-1 accuracy' : 'top-1 agreement',
                  ]}
                  labelFormatter={(r) => `${r} % pruned`}
                />
                <Line
                  dataKey="value"
                  stroke="#7c3aed"
                  strokeWidth={2}
                  dot={{ r: 4 }}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        )}
      </div>
      <div className="study">
        <div className="study-head">
          <div>
            <strong>Sensitivity per group</strong>
            <p className="muted small-text">
              Each group pruned alone by 50 % on up to 500 samples; the drop is painted on the graph.
            </p>
          </div>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void compute()}
            data-testid="run-sensitivity"
          >
            Analyse
          </button>
        </div>
        {sensitivity && sensitivity.modelFile === file && (
          <label className="check">
            <input
              type="checkbox"
              checked={sensitivity.shown}
              onChange={(e) => show(e.target.checked)}
              data-testid="show-sensitivity"
            />
            Paint on the graph ({Object.keys(sensitivity.drops).length} groups, baseline{' '}
            {(100 * sensitivity.baseline).toFixed(2)} %, {sensitivity.samples} samples)
          </label>
        )}
      </div>
    </section>
  );
}

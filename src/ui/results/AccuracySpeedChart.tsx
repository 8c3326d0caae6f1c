import {
  CartesianGrid,
  ErrorBar,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { samplingNote, STAGE_COLORS, shortStageName, stageRows } from '../../core/report';
import type { RunRecord } from '../../state';
import { niceTicks } from '../ticks';

/** Compared runs differ by marker shape; colour tells the stage (STAGE_COLORS, shared with the report). */
const RUN_SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;
const RUN_GLYPHS = ['●', '■', '▲', '◆'];

interface Point {
  x: number;
  y: number;
  stage: string;
  run: string;
  /** A subset's 95 % interval as distances below and above `y` (recharts' asymmetric error bar). */
  interval?: [number, number];
}

/** The chart for one backend: every compared run's stages as points of latency against accuracy. */
function BackendChart({ backend, runs }: { backend: string; runs: readonly RunRecord[] }) {
  const series = runs.flatMap((run, k) =>
    stageRows(run.summary.stages, run.summary.metric).flatMap((r) => {
      const l = r.latency.find((x) => x.backend === backend);
      if (!l || r.metric === undefined) return [];
      const point: Point = {
        x: l.medianMs,
        y: 100 * r.metric,
        stage: shortStageName(r.name),
        run: `Run ${run.id}`,
        ...(r.metricInterval
          ? { interval: [100 * (r.metric - r.metricInterval.low), 100 * (r.metricInterval.high - r.metric)] }
          : {}),
      };
      return [{ key: `${run.id}-${r.name}`, name: shortStageName(r.name), stage: r.name, k, data: [point] }];
    }),
  );
  const points = series.map((s) => s.data[0]);
  const xTicks = niceTicks(0, Math.max(...points.map((p) => p.x), 0) * 1.05);
  const yTicks = niceTicks(
    Math.max(0, Math.min(...points.map((p) => p.y - (p.interval?.[0] ?? 0))) - 1),
    Math.min(100, Math.max(...points.map((p) => p.y + (p.interval?.[1] ?? 0))) + 0.5),
  );
  const metric = runs.every((r) => r.summary.metric === 'accuracy')
    ? 'top-1 accuracy'
    : 'top-1 accuracy / agreement';
  const adapter =
    backend === 'webgpu' ? runs.find((r) => r.summary.webgpuAdapter)?.summary.webgpuAdapter : undefined;
  return (
    <figure
      className="backend-chart"
      data-backend={backend}
      aria-label={`${metric} against ${backend} latency`}
    >
      <figcaption>
        <strong>
          {backend === 'wasm' ? 'WebAssembly (CPU)' : backend === 'webgpu' ? 'WebGPU' : backend}
        </strong>
        {adapter && <span className="muted small-text"> · {adapter}</span>}
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <ScatterChart margin={{ top: 10, right: 20, bottom: 26, left: 4 }}>
          <CartesianGrid stroke="#eaecf0" />
          <XAxis
            type="number"
            dataKey="x"
            name="latency"
            domain={[xTicks[0] ?? 0, xTicks.at(-1) ?? 'auto']}
            ticks={xTicks}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => Number(v.toPrecision(2)).toString()}
            label={{
              value: `median ${backend} latency per image (ms)`,
              position: 'insideBottom',
              offset: -14,
              fontSize: 12,
            }}
          />
          <YAxis
            type="number"
            dataKey="y"
            name={metric}
            unit=" %"
            domain={[yTicks[0] ?? 0, yTicks.at(-1) ?? 100]}
            ticks={yTicks}
            tick={{ fontSize: 11 }}
            width={56}
          />
          <Tooltip
            cursor={{ strokeDasharray: '3 3' }}
            formatter={(value, name) => [
              name === 'latency' ? `${Number(value).toFixed(3)} ms` : `${Number(value).toFixed(2)} %`,
              name,
            ]}
          />
          {series.map((s) => (
            <Scatter
              key={s.key}
              name={s.name}
              data={s.data}
              fill={STAGE_COLORS[s.stage] ?? '#475467'}
              shape={RUN_SHAPES[s.k % RUN_SHAPES.length]}
              isAnimationActive={false}
            >
              {s.data[0].interval && (
                <ErrorBar
                  dataKey="interval"
                  direction="y"
                  width={6}
                  stroke={STAGE_COLORS[s.stage] ?? '#475467'}
                  isAnimationActive={false}
                />
              )}
            </Scatter>
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}

/**
 * Accuracy (or top-1 agreement) against median latency, one point per stage: one chart per backend
 * (their scales differ by orders of magnitude); colour tells the stage, marker shape the run.
 */
export function AccuracySpeedChart({ runs }: { runs: readonly RunRecord[] }) {
  const backends = [...new Set(runs.flatMap((r) => r.summary.latencyBackends))];
  const stages = Object.keys(STAGE_COLORS).filter((name) =>
    runs.some((r) => r.summary.stages.some((s) => s.name === name)),
  );
  const subsets = runs.filter((r) => r.summary.stages[0]?.result.sampling?.top1Interval);
  return (
    <>
      <ul className="chart-legend" aria-label="Stages">
        {stages.map((name) => (
          <li key={name}>
            <i style={{ background: STAGE_COLORS[name] }} aria-hidden="true" /> {shortStageName(name)}
          </li>
        ))}
      </ul>
      {subsets.length > 0 && (
        <p className="small-text muted" data-testid="chart-sampling">
          Bars: 95 % intervals of top-1 (Wilson), evaluated on{' '}
          {subsets.map((r) => samplingNote(r.summary.stages, { methods: false })).join('; ')}.
        </p>
      )}
      <div className="result-chart" data-testid="accuracy-chart">
        {backends.map((b) => (
          <BackendChart key={b} backend={b} runs={runs} />
        ))}
      </div>
      {runs.length > 1 && (
        <p className="run-shapes small-text muted">
          {runs.map((r, k) => (
            <span key={r.id}>
              <span aria-hidden="true">{RUN_GLYPHS[k % RUN_GLYPHS.length]}</span> {r.label}
            </span>
          ))}
        </p>
      )}
    </>
  );
}

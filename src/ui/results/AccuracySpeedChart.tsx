import { useState } from 'react';
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
import {
  STAGE_COLORS,
  metricFigures,
  metricTitle,
  samplingNote,
  shortStageName,
  stageRows,
} from '../../core/report';
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

/** The y axis's name: the one metric every compared run shares ("mIoU", "mAP@[.5:.95]", "min cosine"). */
function axisName(runs: readonly RunRecord[], figure: string | undefined): string {
  const names = new Set(runs.map((r) => metricTitle(r.summary.stages, r.summary.metric, figure)));
  const [only] = names;
  return names.size === 1
    ? only.replace(/^Top-1 accuracy$/, 'top-1').replace(/^Min cosine$/, 'min cosine')
    : 'metric (mixed)';
}

/** The chart for one backend: every compared run's stages as points of latency against accuracy. */
function BackendChart({
  backend,
  runs,
  figure,
}: {
  backend: string;
  runs: readonly RunRecord[];
  figure: string | undefined;
}) {
  const series = runs.flatMap((run, k) =>
    stageRows(run.summary.stages, run.summary.metric, figure).flatMap((r) => {
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
  const metric = axisName(runs, figure);
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
            width={64}
            label={{ value: `${metric} (%)`, angle: -90, position: 'insideLeft', offset: 8, fontSize: 12 }}
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
  // A task with several figures (detection: mAP@.5, mAP@[.5:.95]) can be charted by any of them.
  const figures = runs.every((r) => r.summary.metric === 'accuracy')
    ? metricFigures(runs[0].summary.stages)
    : [];
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const figure = picked !== undefined && figures.includes(picked) ? picked : undefined;
  const backends = [...new Set(runs.flatMap((r) => r.summary.latencyBackends))];
  const stages = Object.keys(STAGE_COLORS).filter((name) =>
    runs.some((r) => r.summary.stages.some((s) => s.name === name)),
  );
  const subsets = runs.filter((r) => r.summary.stages[0]?.result.sampling?.top1Interval);
  return (
    <>
      {figures.length > 1 && (
        <label className="chart-figure small-text">
          Plot{' '}
          <select
            value={figure ?? figures[0]}
            onChange={(e) => setPicked(e.target.value)}
            data-testid="chart-figure"
          >
            {figures.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
      )}
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
          <BackendChart key={b} backend={b} runs={runs} figure={figure} />
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

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { niceStep, niceTicks } from '../ticks';

/** Per-channel importance as bars; the channels the plan removes are drawn in red. */
export function ImportanceChart({
  values,
  removed,
  criterion,
}: {
  values: readonly number[];
  removed: ReadonlySet<number>;
  criterion: string;
}) {
  const data = values.map((v, c) => ({ channel: c, value: v }));
  // Channel labels every round step (0, 8, 16 … or 0, 5, 10 …), value ticks at round values.
  const channelStep = Math.max(1, Math.floor(niceStep(values.length, 6)));
  const valueTicks = niceTicks(0, Math.max(0, ...values), 4);
  return (
    <figure
      className="importance-chart"
      data-testid="importance-chart"
      aria-label={`${criterion} importance per channel`}
    >
      <ResponsiveContainer width="100%" height={150}>
        <BarChart
          data={data}
          margin={{ top: 6, right: 4, bottom: 0, left: -18 }}
          barCategoryGap={values.length > 64 ? 0 : 1}
        >
          <CartesianGrid vertical={false} stroke="#eaecf0" />
          <XAxis dataKey="channel" tick={{ fontSize: 10 }} interval={channelStep - 1} />
          <YAxis
            tick={{ fontSize: 10 }}
            width={52}
            domain={[0, valueTicks.at(-1) ?? 'auto']}
            ticks={valueTicks}
            tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
          />
          <Tooltip
            formatter={(v) => [Number(v).toPrecision(4), criterion]}
            labelFormatter={(c) => `channel ${c}${removed.has(Number(c)) ? ' (removed)' : ''}`}
          />
          <Bar dataKey="value" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.channel} fill={removed.has(d.channel) ? '#d92d20' : '#5b7bd5'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted small-text">
        <i className="legend-swatch kept" aria-hidden="true" /> kept{' '}
        <i className="legend-swatch removed" aria-hidden="true" /> removed by the current plan
      </figcaption>
    </figure>
  );
}

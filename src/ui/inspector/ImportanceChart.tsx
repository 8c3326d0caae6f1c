import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

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
          <XAxis dataKey="channel" tick={{ fontSize: 10 }} interval="preserveStartEnd" minTickGap={18} />
          <YAxis tick={{ fontSize: 10 }} width={52} tickFormatter={(v: number) => v.toPrecision(2)} />
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

/**
 * A static scatter chart as an SVG string, for the self-contained report (no script, no fonts, no
 * external references). The studio draws the same data with recharts.
 */
import { escapeHtml } from './escape';

export interface ChartSeries {
  name: string;
  color: string;
  /** `yLow`/`yHigh`: an interval drawn as an error bar (a subset's 95 % interval). */
  points: { x: number; y: number; label: string; yLow?: number; yHigh?: number }[];
}

export interface ChartOptions {
  title: string;
  /** Largest value the y axis may show (100 for percentages). */
  yMax?: number;
  /** Write each point's label beside it (off when a legend names the series). */
  pointLabels?: boolean;
  xLabel: string;
  yLabel: string;
  /** Join each series' points in order. */
  lines?: boolean;
  width?: number;
  height?: number;
}

/** About five round tick values from at most `lo` to at least `hi` (steps of 1, 2 or 5 × 10ⁿ). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** Renders `series` as an inline `<svg>` with axes, ticks, a legend and labelled points. */
export function scatterSvg(series: readonly ChartSeries[], options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const m = { top: 36, right: 24, bottom: 48, left: 56 };
  const all = series.flatMap((s) => s.points);
  if (!all.length) return '';
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.y, p.yLow ?? p.y, p.yHigh ?? p.y]);
  const xTicks = niceTicks(Math.min(0, ...xs), Math.max(...xs) * 1.08 || 1);
  const yLo = Math.min(...ys);
  const yHi = Math.max(...ys);
  const pad = Math.max(0.5, (yHi - yLo) * 0.15);
  const yTicks = niceTicks(Math.max(0, yLo - pad), Math.min(options.yMax ?? Infinity, yHi + pad));
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>${escapeHtml(options.title)}</title>`,
  );
  for (const t of yTicks)
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${py(t)}" y2="${py(t)}" stroke="#eaecf0"/>`,
      `<text x="${m.left - 6}" y="${py(t) + 4}" text-anchor="end" fill="#667085">${fmt(t)}</text>`,
    );
  for (const t of xTicks)
    parts.push(
      `<line x1="${px(t)}" x2="${px(t)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#f2f4f7"/>`,
      `<text x="${px(t)}" y="${height - m.bottom + 16}" text-anchor="middle" fill="#667085">${fmt(t)}</text>`,
    );
  parts.push(
    `<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#98a2b3"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#98a2b3"/>`,
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 10}" text-anchor="middle" fill="#344054">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#344054">${escapeHtml(options.yLabel)}</text>`,
  );
  series.forEach((s) => {
    if (options.lines && s.points.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ')}"/>`,
      );
    for (const p of s.points)
      parts.push(
        p.yLow === undefined || p.yHigh === undefined
          ? ''
          : `<path class="error-bar" d="M${px(p.x)} ${py(p.yLow)}V${py(p.yHigh)}M${px(p.x) - 4} ${py(p.yLow)}h8M${px(p.x) - 4} ${py(p.yHigh)}h8" stroke="${s.color}" stroke-width="1.2" fill="none"/>`,
        `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="5" fill="${s.color}" stroke="#fff" stroke-width="1.5"><title>${escapeHtml(`${s.name}: ${p.label}`)}</title></circle>`,
        options.pointLabels === false
          ? ''
          : `<text x="${px(p.x) + 8}" y="${py(p.y) - 7}" fill="#344054">${escapeHtml(p.label)}</text>`,
      );
  });
  // The legend: one entry per series, wrapped over as many rows as the width needs.
  let lx = m.left;
  let ly = 12;
  series.forEach((s) => {
    const w = 22 + 6.2 * s.name.length;
    if (lx + w > width - m.right) {
      lx = m.left;
      ly += 14;
    }
    parts.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" rx="5" fill="${s.color}"/>`,
      `<text x="${lx + 14}" y="${ly + 9}" fill="#344054">${escapeHtml(s.name)}</text>`,
    );
    lx += w;
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Results as people read them: each stage's figures against the original (the studio's table and
 * the report share them) and a self-contained HTML report with an inline SVG chart. Pure functions.
 */
export type * from './types';
export {
  stageRows,
  stageMetric,
  metricTitle,
  metricFigures,
  samplingNote,
  shortStageName,
  STAGE_COLORS,
} from './rows';
export { buildReport, formatSize } from './html-report';
export { scatterSvg, niceTicks, type ChartSeries, type ChartOptions } from './svg-chart';
export { escapeHtml } from './escape';

import type { ModelSummary } from '../../state';
import { formatBytes, formatCompact, formatCount } from '../format';

interface Stat {
  id: string;
  label: string;
  value: string;
  hint?: string;
}

/** The headline figures: nodes, parameters, MACs, weight bytes. */
export function StatGrid({ summary }: { summary: ModelSummary }) {
  const stats: Stat[] = [
    { id: 'node-count', label: 'Nodes', value: formatCount(summary.nodeCount) },
    {
      id: 'parameters',
      label: 'Parameters',
      value: formatCount(summary.parameters),
      hint: formatCompact(summary.parameters),
    },
    {
      id: 'macs',
      label: 'MACs per inference',
      value: formatCount(summary.macs),
      hint: `${formatCompact(summary.macs * 2)} FLOPs`,
    },
    { id: 'initializer-bytes', label: 'Weights', value: formatBytes(summary.initializerBytes) },
  ];
  return (
    <dl className="stat-grid" aria-label="Model cost">
      {stats.map((stat) => (
        <div className="stat" key={stat.id}>
          <dt>{stat.label}</dt>
          <dd data-testid={stat.id}>{stat.value}</dd>
          {stat.hint && <dd className="stat-hint">{stat.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

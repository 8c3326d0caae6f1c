import { useStudio, type ModelSummary, type StudioStore } from '../../state';
import { formatBytes, formatCompact, formatCount, formatMacs, unknownMacsHint } from '../format';

const selectCosts = (s: StudioStore) => s.inputSize.costs;
const selectWanted = (s: StudioStore) => s.model?.view.inputSize ?? null;

interface Stat {
  id: string;
  label: string;
  value: string;
  hint?: string;
}

/** The headline figures: nodes, parameters, MACs, weight bytes. */
export function StatGrid({ summary }: { summary: ModelSummary }) {
  const costs = useStudio(selectCosts);
  const wanted = useStudio(selectWanted);
  const macs = costs ? costs.macs : summary.macs;
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
      value: formatMacs(macs),
      hint:
        macs !== null
          ? `${formatCompact(macs * 2)} FLOPs${costs ? ` at ${Object.values(costs.inputShapes)[0]?.join('×') ?? ''}` : ''}`
          : wanted
            ? unknownMacsHint(wanted)
            : 'Unknown: some shapes depend on the data.',
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

import type { RunSummary } from '../../state';
import { formatMs, formatRuntimeKey } from '../format';

const percent = (f: number) => `${Math.round(f * 100)} %`;

/**
 * A latency-target run's outcome: the goal (a share of the original as the run timed it), the plan's
 * estimate, and the exported model as timed beside the original, with the within-10 % verdict.
 */
export function LatencyTargetFact({ target }: { target: NonNullable<RunSummary['latencyTarget']> }) {
  const measured = target.measuredMs;
  return (
    <div>
      <dt>Latency target</dt>
      <dd
        data-testid="run-latency-target"
        data-fraction={target.fraction}
        data-original-ms={target.originalMs}
        data-goal-ms={target.goalMs}
        data-measured-ms={measured}
        data-measured-fraction={target.measuredFraction}
        data-within={target.withinTolerance === undefined ? undefined : String(target.withinTolerance)}
      >
        {formatMs(target.goalMs)} ({percent(target.fraction)} of the original’s {formatMs(target.originalMs)}{' '}
        on {formatRuntimeKey(target.runtime)}), planned at {formatMs(target.predictedMs)}
        {(target.attempt ?? 1) > 1 &&
          ` (run ${target.attempt}: re-planned for ${percent(target.plannedFraction ?? target.fraction)} of the original after the first plan missed)`}
        {measured !== undefined && target.measuredFraction !== undefined ? (
          <>
            {' · '}
            <strong data-testid="run-latency-measured">
              measured {formatMs(measured)} ({percent(target.measuredFraction)})
            </strong>
            {' · '}
            <span
              className={target.withinTolerance ? 'verdict-ok' : 'verdict-miss'}
              data-testid="run-latency-verdict"
            >
              {target.withinTolerance ? 'within 10 % of the target' : 'more than 10 % off the target'}
            </span>
          </>
        ) : (
          ' · the final model was not timed'
        )}
      </dd>
    </div>
  );
}

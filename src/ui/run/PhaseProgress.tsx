import { describeProgress, formatRemaining } from '../../core/progress';
import type { RunPhase, RunningState } from '../../state';

const PHASE_LABEL: Record<RunPhase, string> = {
  load: 'Load',
  analyse: 'Analyse',
  prune: 'Prune',
  recover: 'Recover',
  remove: 'Remove',
  finetune: 'Fine-tune',
  calibrate: 'Calibrate',
  quantize: 'Quantize',
  evaluate: 'Evaluate',
  benchmark: 'Benchmark',
};

/**
 * One labelled progress bar per phase of the run in progress, and under them how far the active phase
 * is (units of its total) and, once there is enough to go on, the time it has left.
 */
export function PhaseProgress({ running }: { running: RunningState }) {
  const latest = running.latest?.phase === running.phase ? running.latest : null;
  return (
    <>
      <PhaseBars running={running} />
      {latest && (
        <p className="phase-detail" data-testid="phase-detail">
          <span>
            {PHASE_LABEL[latest.phase]}: {describeProgress(latest)}
          </span>
          {running.remainingMs !== null && (
            <span className="phase-eta" data-testid="run-eta">
              {' · '}
              {formatRemaining(running.remainingMs)}
            </span>
          )}
        </p>
      )}
    </>
  );
}

function PhaseBars({ running }: { running: RunningState }) {
  return (
    <ol className="phases" aria-label="Progress by phase" data-testid="run-progress">
      {running.phases.map((phase) => {
        const value = running.progress[phase] ?? 0;
        const state = phase === running.phase ? 'active' : value >= 1 ? 'done' : 'waiting';
        return (
          <li key={phase} className={`phase ${state}`} data-phase={phase}>
            <span className="phase-label">{PHASE_LABEL[phase]}</span>
            <progress
              max={1}
              value={value}
              aria-label={`${PHASE_LABEL[phase]}: ${Math.round(value * 100)} percent`}
            />
          </li>
        );
      })}
    </ol>
  );
}

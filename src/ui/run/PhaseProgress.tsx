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

/** One labelled progress bar per phase of the run in progress. */
export function PhaseProgress({ running }: { running: RunningState }) {
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

import { metricTitle } from '../../core/report';
import type { RunRecord } from '../../state';
import { formatCount } from '../format';
import { LatencyTargetFact } from './LatencyTargetFact';

const KERNEL_NAMES: Record<string, string> = {
  wasm: 'WASM SIMD',
  webgpu: 'WebGPU',
  reference: 'TypeScript reference',
};

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

const SCORED_BY: Record<string, string> = {
  fidelity: 'top-1 agreement with the original',
  cosine: 'min cosine (lowest mean cosine over the outputs) against the original',
};

/** Where and how the run was measured, and anything the user should know about it. */
export function RunFacts({ run }: { run: RunRecord }) {
  const s = run.summary;
  const scoredBy = SCORED_BY[s.metric] ?? metricTitle(s.stages, s.metric);
  return (
    <div className="run-facts" data-testid="run-facts">
      <dl className="facts">
        <div>
          <dt>Scored by</dt>
          <dd data-testid="run-scored-by">
            {scoredBy} on {formatCount(s.samples)} samples of{' '}
            <span className="mono">{s.datasets.evaluation ?? s.datasets.calibration}</span>
          </dd>
        </div>
        {s.task && (
          <div>
            <dt>Task</dt>
            <dd data-testid="run-task">
              {s.task.kind === 'outputs' ? 'outputs only' : s.task.kind}{' '}
              <span className="muted">({s.task.reason})</span>
            </dd>
          </div>
        )}
        <div>
          <dt>Inference</dt>
          <dd data-testid="run-runtime">
            onnxruntime {s.runtime.backend}, {s.runtime.threads} thread{s.runtime.threads === 1 ? '' : 's'}
            {s.webgpuAdapter ? ` · WebGPU: ${s.webgpuAdapter}` : ''}
          </dd>
        </div>
        <div>
          <dt>Whittle kernels</dt>
          <dd>
            <span data-testid="run-kernels">{KERNEL_NAMES[s.kernels] ?? s.kernels}</span>
            {s.recipe.compute.kernels === 'auto' && <span className="muted"> (fastest here)</span>}
          </dd>
        </div>
        <div>
          <dt>Transform / evaluate / time</dt>
          <dd>
            {seconds(s.timings.transform)} / {seconds(s.timings.evaluate)} / {seconds(s.timings.benchmark)}
          </dd>
        </div>
        {s.memory && (
          <div>
            <dt>Peak memory (data passes)</dt>
            <dd data-testid="run-memory">
              {mib(s.memory.peakTrackedBytes)} of activations held, budget {mib(s.memory.budgetBytes)}
            </dd>
          </div>
        )}
        {s.plan && (
          <div>
            <dt>Channels removed</dt>
            <dd>
              {formatCount(s.plan.prunedChannels)} of {formatCount(s.plan.prunableChannels)} prunable
            </dd>
          </div>
        )}
        {s.latencyTarget && <LatencyTargetFact target={s.latencyTarget} />}
        {s.finetune && (
          <div>
            <dt>Fine-tuning</dt>
            <dd data-testid="run-finetune">
              {s.finetune.history.length} epoch{s.finetune.history.length === 1 ? '' : 's'} on{' '}
              {formatCount(s.finetune.trainSamples)} images of{' '}
              <span className="mono">{s.datasets.training ?? s.datasets.calibration}</span>, best epoch{' '}
              {s.finetune.bestEpoch}
              {s.finetune.stoppedEarly ? ' (stopped early)' : ''}, {seconds(s.finetune.msPerEpoch)} per epoch
              {s.finetune.resumed ? ' · continued from a checkpoint' : ''}
              {s.finetune.frozen.blockedBy.length > 0 &&
                ` · frozen upstream of ${s.finetune.frozen.blockedBy.map((b) => `${b.opType} ${b.node}`).join(', ')}`}
            </dd>
          </div>
        )}
        {s.fusion && (
          <div>
            <dt>INT8 fusion (predicted)</dt>
            <dd>
              {s.fusion.fused} fused, {s.fusion.unfused} not
            </dd>
          </div>
        )}
      </dl>
      {(s.notes.length > 0 || s.assumptions) && (
        <ul className="run-notes" data-testid="run-notes">
          {s.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
          {s.assumptions && <li>Preprocessing assumed: {s.assumptions}</li>}
        </ul>
      )}
    </div>
  );
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MiB`;

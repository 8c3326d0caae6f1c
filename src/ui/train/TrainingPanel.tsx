import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio, type StudioStore, type TrainingView } from '../../state';

const selectTraining = (s: StudioStore) => s.running?.training;
const selectCancelling = (s: StudioStore) => s.running?.cancelling ?? false;
const selectPause = (s: StudioStore) => s.pauseTraining;
const selectResume = (s: StudioStore) => s.resumeTraining;
const selectCancel = (s: StudioStore) => s.cancelRun;

const seconds = (ms: number) =>
  ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;

/** Loss per step and held-out score per epoch, drawn as the worker reports them. */
function Curves({ view }: { view: TrainingView }) {
  const held = view.epochs
    .filter((e) => e.heldOut !== undefined)
    .map((e) => ({ epoch: e.epoch, score: 100 * e.heldOut! }));
  return (
    <div className="training-curves">
      <figure aria-label="Training loss">
        <figcaption className="small-text">Distillation loss (epoch mean so far)</figcaption>
        <ResponsiveContainer width="100%" height={160}>
          <LineChart data={view.loss} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eaecf0" />
            <XAxis
              type="number"
              dataKey="at"
              domain={[0, view.totalEpochs]}
              tick={{ fontSize: 11 }}
              allowDecimals
            />
            <YAxis tick={{ fontSize: 11 }} width={48} domain={['auto', 'auto']} />
            <Tooltip
              formatter={(v) => Number(v).toFixed(4)}
              labelFormatter={(v) => `epoch ${Number(v).toFixed(2)}`}
            />
            <Line dataKey="loss" stroke="#1570ef" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure aria-label="Held-out accuracy">
        <figcaption className="small-text">
          Held-out top-1 (or agreement with the original) per epoch
        </figcaption>
        <ResponsiveContainer width="100%" height={160}>
          <LineChart data={held} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eaecf0" />
            <XAxis
              type="number"
              dataKey="epoch"
              domain={[1, Math.max(1, view.totalEpochs)]}
              allowDecimals={false}
              tick={{ fontSize: 11 }}
            />
            <YAxis unit=" %" tick={{ fontSize: 11 }} width={56} domain={['auto', 'auto']} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(2)} %`} labelFormatter={(v) => `epoch ${v}`} />
            <Line dataKey="score" stroke="#12b76a" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}

/** Live fine-tuning: where it is, Pause / Resume / Cancel, and the curves. */
export function TrainingPanel() {
  const view = useStudio(selectTraining);
  const cancelling = useStudio(selectCancelling);
  const pause = useStudio(selectPause);
  const resume = useStudio(selectResume);
  const cancel = useStudio(selectCancel);
  if (!view) return null;
  const last = view.epochs.at(-1);
  return (
    <section className="run-bar training-panel" aria-label="Fine-tuning" data-testid="training-panel">
      <div className="run-row">
        {view.paused ? (
          <button type="button" className="button primary" onClick={resume} data-testid="resume-training">
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="button"
            onClick={pause}
            disabled={view.pausing || cancelling || view.stepsPerEpoch === 0}
            data-testid="pause-training"
          >
            {view.pausing ? 'Pausing…' : 'Pause'}
          </button>
        )}
        <button
          type="button"
          className="button danger"
          onClick={cancel}
          disabled={cancelling}
          data-testid="cancel-training"
        >
          Cancel
        </button>
        <span className="small-text" data-testid="training-status" data-paused={view.paused}>
          {view.stepsPerEpoch === 0
            ? 'Preparing the training images'
            : `Epoch ${view.epoch}/${view.totalEpochs}, step ${view.step}/${view.stepsPerEpoch}` +
              (view.loss.length ? `, loss ${view.loss.at(-1)!.loss.toFixed(4)}` : '') +
              (last?.heldOut !== undefined ? `, held-out ${(100 * last.heldOut).toFixed(2)} %` : '') +
              (view.paused ? ' · paused, checkpoint saved' : `, ETA ${seconds(view.etaMs)}`)}
        </span>
      </div>
      <Curves view={view} />
    </section>
  );
}

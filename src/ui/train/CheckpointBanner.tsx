import { useStudio, type StudioStore } from '../../state';

const selectCheckpoint = (s: StudioStore) => s.checkpoint;
const selectIdle = (s: StudioStore) => s.running === null;
const selectResume = (s: StudioStore) => s.resumeFromCheckpoint;
const selectDiscard = (s: StudioStore) => s.discardCheckpoint;

/**
 * A fine-tuning checkpoint kept from an earlier page (paused, interrupted or crashed): continue it
 * on the same model and data, or forget it.
 */
export function CheckpointBanner() {
  const checkpoint = useStudio(selectCheckpoint);
  const idle = useStudio(selectIdle);
  const resume = useStudio(selectResume);
  const discard = useStudio(selectDiscard);
  if (!checkpoint || !idle) return null;
  const where =
    checkpoint.step === 0
      ? `the start of epoch ${checkpoint.epoch}`
      : `epoch ${checkpoint.epoch}, step ${checkpoint.step} of ${checkpoint.stepsPerEpoch}`;
  const progressive =
    checkpoint.progressiveSteps > 1
      ? ` (progressive step ${checkpoint.progressiveStep}/${checkpoint.progressiveSteps})`
      : '';
  return (
    <div className="run-bar checkpoint-banner" role="status" data-testid="checkpoint-banner">
      <span>
        Fine-tuning of <span className="mono">{checkpoint.modelFile}</span> was saved at {where} of{' '}
        {checkpoint.epochs}
        {progressive}
        {checkpoint.training ? ` on ${checkpoint.training}` : ''}. Open the same model and data, then
        continue: the result is the model an uninterrupted run makes.
      </span>
      <button
        type="button"
        className="button small primary"
        onClick={() => void resume()}
        data-testid="resume-checkpoint"
      >
        Continue fine-tuning
      </button>
      <button
        type="button"
        className="button small ghost"
        onClick={() => void discard()}
        data-testid="discard-checkpoint"
      >
        Discard
      </button>
    </div>
  );
}

import { LATENCY_SHARE_MAX, LATENCY_SHARE_MIN, latencyMsOf, useStudio, type StudioStore } from '../../state';
import { formatMs, formatRuntimeKey } from '../format';
import { Field, NumberField } from './Field';

const selectShare = (s: StudioStore) => s.recipe.prune.latencyKeep;
const selectLatency = (s: StudioStore) => s.latency;
const selectSet = (s: StudioStore) => s.setLatencyTargetMs;
const selectMeasure = (s: StudioStore) => s.measureLatency;

/**
 * The latency target in milliseconds of the original, as the worker measured it in the run's
 * runtime; the recipe keeps the share. Until the figure is in, the slider waits.
 */
export function LatencyTargetField() {
  const share = useStudio(selectShare);
  const latency = useStudio(selectLatency);
  const setMs = useStudio(selectSet);
  const measure = useStudio(selectMeasure);
  const original = latency.measured?.ms;
  const percent = Math.round(share * 100);
  const label =
    original === undefined
      ? `Latency target: ${percent}% of the original`
      : `Latency target: ${formatMs(latencyMsOf(share, original))} (${percent}% of the original)`;
  // Steps of 1 % of the original, in milliseconds, rounded so the slider's values print cleanly.
  const step = original === undefined ? 1 : Number((original / 100).toPrecision(2));
  return (
    <>
      <Field
        label={label}
        hint="Planned in the run from each node’s measured latency, then the exported model is timed against it."
      >
        {(id) => (
          <input
            id={id}
            type="range"
            min={original === undefined ? 0 : latencyMsOf(LATENCY_SHARE_MIN, original)}
            max={original === undefined ? 1 : latencyMsOf(LATENCY_SHARE_MAX, original)}
            step={step}
            value={original === undefined ? share : latencyMsOf(share, original)}
            disabled={original === undefined}
            onChange={(e) => setMs(Number(e.target.value))}
            data-testid="latency-slider"
            data-share={share}
            aria-valuetext={
              original === undefined ? `${percent} percent` : `${formatMs(latencyMsOf(share, original))}`
            }
          />
        )}
      </Field>
      {original !== undefined && (
        <NumberField
          label="Latency target (ms)"
          value={Number(latencyMsOf(share, original).toFixed(3))}
          step={step}
          min={0}
          testId="latency-ms"
          onChange={setMs}
        />
      )}
      <p className="field-hint" data-testid="latency-original" aria-live="polite">
        {latency.measured ? (
          <>
            Original:{' '}
            <strong data-testid="latency-original-ms" data-value={latency.measured.ms}>
              {formatMs(latency.measured.ms)}
            </strong>{' '}
            per image on {formatRuntimeKey(latency.measured.runtime)}.{' '}
          </>
        ) : latency.pending ? (
          'Timing the original in the worker…'
        ) : latency.error ? (
          <span className="inline-error">Could not time the original: {latency.error} </span>
        ) : null}
        {!latency.pending && (
          <button
            type="button"
            className="link"
            onClick={() => void measure(true)}
            data-testid="latency-measure"
          >
            {latency.measured ? 'Measure again' : 'Measure'}
          </button>
        )}
      </p>
    </>
  );
}

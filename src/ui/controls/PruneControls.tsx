import { useStudio, type PruneSettings, type StudioStore } from '../../state';
import { Choice, Field } from './Field';
import { LatencyTargetField } from './LatencyTargetField';

const selectPrune = (s: StudioStore) => s.recipe.prune;
const selectUpdate = (s: StudioStore) => s.updatePrune;
const selectRecovery = (s: StudioStore) => s.updateRecovery;
const selectOverrideCount = (s: StudioStore) => Object.keys(s.recipe.prune.overrides).length;

const criteria = [
  { value: 'l1', label: 'L1 norm of filters' },
  { value: 'l2', label: 'L2 norm of filters' },
  { value: 'fpgm', label: 'Geometric median (FPGM)' },
  { value: 'activation', label: 'Mean activation (data-aware)' },
  { value: 'reconstruction', label: 'Next-layer reconstruction loss (data-aware)' },
] as const;
const rankings = [
  { value: 'per-group', label: 'Per group (same ratio)' },
  { value: 'global', label: 'Global (across groups)' },
] as const;
const targets = [
  { value: 'ratio', label: 'Channel ratio' },
  { value: 'macs', label: 'MAC target' },
  { value: 'latency', label: 'Latency target (measured)' },
] as const;
const allocations = [
  { value: 'macs', label: 'Evenly over the groups' },
  { value: 'latency', label: 'Where the measured milliseconds are' },
] as const;
const widthChoices = [
  { value: 'fixed', label: 'Multiples of the rounding below' },
  { value: 'measured', label: 'Fastest widths measured in the runtime' },
] as const;
const roundings = [1, 2, 4, 8, 16, 32].map((n) => ({
  value: String(n),
  label: n === 1 ? 'No rounding' : `Multiple of ${n}`,
}));

const recoverySteps: { key: keyof PruneSettings['recovery']; label: string }[] = [
  { key: 'bnRecalibration', label: 'Recalibrate BatchNorm statistics' },
  { key: 'biasCompensation', label: 'Compensate removed channels in the next bias' },
  { key: 'reconstruction', label: 'Least-squares reconstruction of the next layer' },
];

/** Pruning settings; the plan above them follows every change. */
export function PruneControls() {
  const prune = useStudio(selectPrune);
  const update = useStudio(selectUpdate);
  const updateRecovery = useStudio(selectRecovery);
  const overrides = useStudio(selectOverrideCount);
  return (
    <fieldset className="control-group" disabled={!prune.enabled}>
      <legend>
        <label className="check legend-check">
          <input
            type="checkbox"
            checked={prune.enabled}
            onChange={(e) => update({ enabled: e.target.checked })}
          />
          Pruning
        </label>
      </legend>
      <Field
        label="Importance criterion"
        hint={
          prune.criterion !== 'l1' && prune.criterion !== 'l2'
            ? 'The plan ranks by this criterion, as the run does; the inspector’s chart shows L1.'
            : undefined
        }
      >
        {(id) => (
          <Choice
            id={id}
            value={prune.criterion}
            options={criteria}
            onChange={(criterion) => update({ criterion })}
          />
        )}
      </Field>
      <Field label="Target">
        {(id) => (
          <Choice
            id={id}
            value={prune.target}
            options={targets}
            onChange={(target) => update({ target })}
            testId="prune-target"
          />
        )}
      </Field>
      {prune.target === 'ratio' ? (
        <Field label={`Channels removed: ${Math.round(prune.ratio * 100)}%`}>
          {(id) => (
            <input
              id={id}
              type="range"
              min={0}
              max={0.9}
              step={0.01}
              value={prune.ratio}
              onChange={(e) => update({ ratio: Number(e.target.value) })}
              data-testid="ratio-slider"
              aria-valuetext={`${Math.round(prune.ratio * 100)} percent of channels removed`}
            />
          )}
        </Field>
      ) : prune.target === 'latency' ? (
        <LatencyTargetField />
      ) : (
        <Field label={`Keep ${Math.round(prune.macsKeep * 100)}% of the MACs`}>
          {(id) => (
            <input
              id={id}
              type="range"
              min={0.05}
              max={1}
              step={0.01}
              value={prune.macsKeep}
              onChange={(e) => update({ macsKeep: Number(e.target.value) })}
              data-testid="macs-slider"
              aria-valuetext={`keep ${Math.round(prune.macsKeep * 100)} percent of MACs`}
            />
          )}
        </Field>
      )}
      {prune.target === 'macs' && (
        <Field
          label="Spread the MAC cut"
          hint={
            prune.allocate === 'latency'
              ? 'The run times every node in the first evaluation backend and cuts where the least importance is lost per millisecond saved; the plan shown here spreads the cut evenly, the results show what ran.'
              : undefined
          }
        >
          {(id) => (
            <Choice
              id={id}
              value={prune.allocate}
              options={allocations}
              onChange={(allocate) => update({ allocate })}
              testId="prune-allocate"
            />
          )}
        </Field>
      )}
      <Field
        label="Kept widths"
        hint={
          prune.widths === 'measured'
            ? 'The run times each pruned layer at nearby widths in the kernels it will run and snaps to the fastest per channel kept (the MAC or latency target is re-planned to hold); the plan shown here uses the rounding below.'
            : undefined
        }
      >
        {(id) => (
          <Choice
            id={id}
            value={prune.widths}
            options={widthChoices}
            onChange={(widths) => update({ widths })}
            testId="prune-widths"
          />
        )}
      </Field>
      <Field label="Ranking">
        {(id) => (
          <Choice
            id={id}
            value={prune.ranking}
            options={rankings}
            onChange={(ranking) => update({ ranking })}
          />
        )}
      </Field>
      <Field
        label="Round kept channels to"
        hint="Hardware-friendly widths; rounding keeps more channels, never fewer."
      >
        {(id) => (
          <Choice
            id={id}
            value={String(prune.roundTo)}
            options={roundings}
            onChange={(v) => update({ roundTo: Number(v) })}
          />
        )}
      </Field>
      <div className="field" role="group" aria-labelledby="layers-title">
        <span id="layers-title" className="field-label">
          Layers kept whole unless ticked
        </span>
        <label className="check">
          <input
            type="checkbox"
            checked={prune.includeFirst}
            onChange={(e) => update({ includeFirst: e.target.checked })}
            data-testid="include-first"
          />
          Prune the first convolution
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={prune.includeClassifier}
            onChange={(e) => update({ includeClassifier: e.target.checked })}
            data-testid="include-classifier"
          />
          Prune the classifier’s input features
        </label>
      </div>
      {overrides > 0 && (
        <p className="small-text">
          {overrides} group{overrides === 1 ? '' : 's'} with an own ratio.{' '}
          <button type="button" className="link" onClick={() => update({ overrides: {} })}>
            Clear
          </button>
        </p>
      )}
      <div className="field" role="group" aria-labelledby="recovery-title">
        <span id="recovery-title" className="field-label">
          Recovery (no retraining)
        </span>
        {recoverySteps.map((step) => (
          <label key={step.key} className="check">
            <input
              type="checkbox"
              checked={prune.recovery[step.key]}
              onChange={(e) => updateRecovery({ [step.key]: e.target.checked })}
            />
            {step.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

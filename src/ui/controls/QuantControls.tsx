import { useStudio, type CalibrationMethod, type StudioStore } from '../../state';
import { Choice, Field } from './Field';

const selectQuant = (s: StudioStore) => s.recipe.quant;
const selectUpdate = (s: StudioStore) => s.updateQuant;

const weightSchemes = [
  { value: 'channel', label: 'int8 per channel' },
  { value: 'tensor', label: 'int8 per tensor' },
] as const;
const activationTypes = [
  { value: 'uint8', label: 'uint8 asymmetric (fuses in onnxruntime)' },
  { value: 'int8', label: 'int8 symmetric' },
] as const;
const precisions = [
  { value: 'size', label: 'INT8 everywhere (smallest file)' },
  { value: 'speed', label: 'INT8 only where measured faster' },
  { value: 'auto', label: 'INT8 unless measured slower' },
] as const;
const methods: { value: CalibrationMethod; label: string }[] = [
  { value: 'minmax', label: 'Min–max' },
  { value: 'ema', label: 'Min–max, moving average' },
  { value: 'percentile', label: 'Percentile (99.99 %)' },
  { value: 'entropy', label: 'Entropy (KL divergence)' },
  { value: 'mse', label: 'MSE search' },
];

/** INT8 quantization settings, kept in the recipe for the pipeline. */
export function QuantControls() {
  const quant = useStudio(selectQuant);
  const update = useStudio(selectUpdate);
  return (
    <fieldset className="control-group" disabled={!quant.enabled}>
      <legend>
        <label className="check legend-check">
          <input
            type="checkbox"
            checked={quant.enabled}
            onChange={(e) => update({ enabled: e.target.checked })}
          />
          INT8 quantization
        </label>
      </legend>
      <Field label="Weights">
        {(id) => (
          <Choice
            id={id}
            value={quant.perChannel ? 'channel' : 'tensor'}
            options={weightSchemes}
            onChange={(v) => update({ perChannel: v === 'channel' })}
          />
        )}
      </Field>
      <Field label="Activations">
        {(id) => (
          <Choice
            id={id}
            value={quant.activations}
            options={activationTypes}
            onChange={(activations) => update({ activations })}
          />
        )}
      </Field>
      <Field
        label="Precision per node"
        hint={
          quant.precision === 'size'
            ? undefined
            : 'Each node is timed in both precisions in the run’s runtime; the node inspector shows why each got its precision.'
        }
      >
        {(id) => (
          <Choice
            id={id}
            value={quant.precision}
            options={precisions}
            onChange={(precision) => update({ precision })}
            testId="quant-precision"
          />
        )}
      </Field>
      <Field label="Calibration method">
        {(id) => (
          <Choice
            id={id}
            value={quant.calibration}
            options={methods}
            onChange={(calibration) => update({ calibration })}
          />
        )}
      </Field>
      <Field label="Calibration samples">
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            max={10000}
            step={1}
            value={quant.samples}
            onChange={(e) => update({ samples: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        )}
      </Field>
      <Field
        label={
          quant.accuracyBudget > 0
            ? `Accuracy budget: ${quant.accuracyBudget.toFixed(1)} points`
            : 'Accuracy budget: off'
        }
        hint="Layers go back to float until the task’s metric (top-1, mIoU, mAP@.5) drops no more than the budget."
      >
        {(id) => (
          <input
            id={id}
            type="range"
            min={0}
            max={5}
            step={0.1}
            value={quant.accuracyBudget}
            onChange={(e) => update({ accuracyBudget: Number(e.target.value) })}
            aria-valuetext={quant.accuracyBudget > 0 ? `${quant.accuracyBudget} points` : 'off'}
          />
        )}
      </Field>
    </fieldset>
  );
}

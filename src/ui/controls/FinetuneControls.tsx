import { useStudio, type FinetuneSettings, type StudioStore } from '../../state';
import { DataSlotView } from './DataSlotView';
import { Choice, Field, NumberField } from './Field';

const selectFinetune = (s: StudioStore) => s.recipe.base.finetune;
const selectUpdate = (s: StudioStore) => s.updateFinetune;
const selectPruning = (s: StudioStore) => s.recipe.prune.enabled;
const selectQuantizing = (s: StudioStore) => s.recipe.quant.enabled;

const optimizers = [
  { value: 'adamw', label: 'AdamW' },
  { value: 'sgd', label: 'SGD, Nesterov momentum' },
] as const;

/**
 * Fine-tuning after channel removal: knowledge distillation from the original model on the user's
 * training images, run in the worker (the recipe's `finetune` section).
 */
export function FinetuneControls() {
  const f = useStudio(selectFinetune);
  const update = useStudio(selectUpdate);
  const pruning = useStudio(selectPruning);
  const quantizing = useStudio(selectQuantizing);
  const set = (patch: Partial<FinetuneSettings>) => update(patch);
  return (
    <fieldset className="control-group" disabled={!f.enabled} data-testid="finetune-controls">
      <legend>
        <label className="check legend-check">
          <input
            type="checkbox"
            checked={f.enabled}
            data-testid="finetune-enabled"
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          Fine-tune (distillation)
        </label>
      </legend>
      {f.enabled && !pruning && (
        <p className="field-hint">Fine-tuning trains the pruned model: turn pruning on for it to run.</p>
      )}
      <NumberField
        label="Epochs"
        value={f.epochs}
        step={1}
        min={1}
        max={1000}
        integer
        testId="finetune-epochs"
        onChange={(epochs) => set({ epochs })}
      />
      <NumberField
        label="Batch size"
        value={f.batchSize}
        step={1}
        min={1}
        max={4096}
        integer
        testId="finetune-batch"
        onChange={(batchSize) => set({ batchSize })}
      />
      <Field label="Optimizer">
        {(id) => (
          <Choice
            id={id}
            value={f.optimizer}
            options={optimizers}
            testId="finetune-optimizer"
            onChange={(optimizer) => set({ optimizer })}
          />
        )}
      </Field>
      <NumberField
        label="Learning rate (peak)"
        value={f.lr}
        step={0.0001}
        min={0}
        testId="finetune-lr"
        onChange={(lr) => set({ lr })}
      />
      <NumberField
        label="Temperature"
        hint="Softens the teacher's logits for the KL loss."
        value={f.temperature}
        step={0.5}
        min={0.5}
        max={100}
        testId="finetune-temperature"
        onChange={(temperature) => set({ temperature })}
      />
      <NumberField
        label="Held-out share"
        hint="Kept apart to pick the best epoch and stop early (0: train on all)."
        value={f.heldOut}
        step={0.01}
        min={0}
        max={0.5}
        testId="finetune-heldout"
        onChange={(heldOut) => set({ heldOut })}
      />
      <NumberField
        label="Seed"
        value={f.seed}
        step={1}
        min={0}
        integer
        testId="finetune-seed"
        onChange={(seed) => set({ seed })}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={f.qat}
          data-testid="finetune-qat"
          onChange={(e) => set({ qat: e.target.checked })}
        />
        Quantization-aware (QAT): train the INT8 model with learned scales
      </label>
      {f.qat && !quantizing && (
        <p className="field-hint">
          QAT trains the pruned INT8 model: turn INT8 quantization on for it to run.
        </p>
      )}
      {f.qat && (
        <NumberField
          label="QAT epochs"
          hint="After the float epochs, at the QAT learning rate."
          value={f.qatEpochs}
          step={1}
          min={1}
          max={1000}
          integer
          testId="finetune-qat-epochs"
          onChange={(qatEpochs) => set({ qatEpochs })}
        />
      )}
      <DataSlotView role="training" />
      <p className="field-hint">Without training images, the calibration set is used.</p>
    </fieldset>
  );
}

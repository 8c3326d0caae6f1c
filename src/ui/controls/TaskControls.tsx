import { useStudio, type StudioStore, type TaskChoice } from '../../state';
import { DetectionFields } from './DetectionFields';
import { Choice, Field } from './Field';

const selectChoice = (s: StudioStore) => s.recipe.task;
const selectTask = (s: StudioStore) => s.task;
const selectUpdate = (s: StudioStore) => s.updateTask;

export const TASK_NAMES: Record<TaskChoice['kind'], string> = {
  auto: 'Guess from outputs and data',
  classification: 'Classification (top-1)',
  segmentation: 'Segmentation (mIoU)',
  detection: 'Detection (mAP)',
  outputs: 'Outputs only (cosine to the original)',
};

const kinds = (Object.keys(TASK_NAMES) as TaskChoice['kind'][]).map((value) => ({
  value,
  label: TASK_NAMES[value],
}));

/**
 * What accuracy means for this model: the task the worker decides from the outputs and the data (the
 * run's own rule), a control to name another, and the task's own settings.
 */
export function TaskControls() {
  const choice = useStudio(selectChoice);
  const task = useStudio(selectTask);
  const update = useStudio(selectUpdate);
  const kind = choice.kind === 'auto' ? task.guess?.kind : choice.kind;
  return (
    <fieldset className="control-group" data-testid="task-controls">
      <legend>Task</legend>
      <p className="field-hint" data-testid="task-guess" data-kind={task.guess?.kind ?? ''}>
        {task.guess ? (
          <>
            <strong>{task.guess.kind === 'outputs' ? 'outputs only' : task.guess.kind}</strong>
            {task.guess.format && ` (${task.guess.format} decoder)`} — {task.guess.reason}.
          </>
        ) : task.error ? null : (
          'Open a model to see its task.'
        )}
      </p>
      {task.error && (
        <div role="alert" className="inline-error" data-testid="task-error">
          {task.error}
        </div>
      )}
      <Field label="Task">
        {(id) => (
          <Choice
            id={id}
            value={choice.kind}
            options={kinds}
            onChange={(k) => update({ kind: k })}
            testId="task-kind"
          />
        )}
      </Field>
      {kind === 'segmentation' && (
        <Field label="Ignore index" hint="Mask value of pixels not scored (VOC: 255).">
          {(id) => (
            <input
              id={id}
              type="number"
              min={0}
              max={65535}
              value={choice.ignoreIndex}
              data-testid="ignore-index"
              onChange={(e) =>
                update({ ignoreIndex: Math.min(65535, Math.max(0, Math.round(Number(e.target.value) || 0))) })
              }
            />
          )}
        </Field>
      )}
      {kind === 'detection' && <DetectionFields />}
    </fieldset>
  );
}

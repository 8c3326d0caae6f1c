/** The task a run would score on the open model and data, decided by the run's own `resolveTask`. */
import { modelOutputs } from '../src/core/eval';
import { resolveTask, type TaskChoice, type TaskDecision } from '../src/core/tasks';
import { session } from './session';
import type { TaskGuess } from './protocol';

export function decideTask(choice: TaskChoice): TaskDecision {
  const model = session.model;
  if (!model) throw new Error('No model is open.');
  const data = session.datasets.evaluation ?? session.datasets.calibration;
  return resolveTask(choice, modelOutputs(model.graph), data, session.priors?.values);
}

export function guessTask(choice: TaskChoice): TaskGuess {
  const { task, reason } = decideTask(choice);
  const outputs =
    task.kind === 'detection'
      ? [...task.detection.outputs]
      : task.kind === 'outputs'
        ? (session.model?.graph.outputs.map((o) => o.name) ?? [])
        : [task.output];
  return {
    kind: task.kind,
    reason,
    outputs,
    ...(task.kind === 'detection' ? { format: task.detection.format } : {}),
  };
}

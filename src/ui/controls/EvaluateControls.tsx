import { useStudio, type StudioStore } from '../../state';
import { Field } from './Field';

const selectEvaluate = (s: StudioStore) => s.recipe.evaluate;
const selectUpdate = (s: StudioStore) => s.updateEvaluate;

/** How the stages are measured: evaluation subset, timed runs, WebGPU, onnxruntime threads. */
export function EvaluateControls() {
  const evaluate = useStudio(selectEvaluate);
  const update = useStudio(selectUpdate);
  return (
    <fieldset className="control-group">
      <legend>Measurement</legend>
      <Field label="Evaluation samples" hint="Empty: the whole evaluation set.">
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            step={100}
            placeholder="all"
            value={evaluate.evalLimit ?? ''}
            data-testid="eval-limit"
            onChange={(e) =>
              update({
                evalLimit: e.target.value === '' ? null : Math.max(1, Math.round(Number(e.target.value))),
              })
            }
          />
        )}
      </Field>
      <Field label="Timed runs per stage">
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            max={1000}
            value={evaluate.runs}
            data-testid="bench-runs"
            onChange={(e) => update({ runs: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
          />
        )}
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={evaluate.webgpu}
          onChange={(e) => update({ webgpu: e.target.checked })}
        />
        Also time on WebGPU (when available)
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={evaluate.softwareGpu}
          disabled={!evaluate.webgpu}
          onChange={(e) => update({ softwareGpu: e.target.checked })}
          data-testid="software-gpu"
        />
        Time a software WebGPU adapter too (SwiftShader: skipped by default, its timings say nothing about a
        GPU)
      </label>
      <p className="field-hint">
        onnxruntime wasm with {evaluate.threads} thread{evaluate.threads === 1 ? '' : 's'}
        {typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated
          ? ' (page not cross-origin isolated)'
          : ''}
        .
      </p>
    </fieldset>
  );
}

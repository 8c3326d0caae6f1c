import { useStudio, type StudioStore } from '../../state';
import { formatShape } from '../format';

const selectWanted = (s: StudioStore) => s.model?.view.inputSize ?? null;
const selectSize = (s: StudioStore) => s.inputSize;
const selectSet = (s: StudioStore) => s.setInputSize;

const SOURCE: Record<string, string> = {
  calibration: 'the calibration set',
  evaluation: 'the evaluation set',
  field: 'this field',
};

/**
 * The size costs are counted at, shown only for a model whose input size is symbolic: the attached
 * data's size when it fits, else what is typed here (the model's preferred size when it names one).
 */
export function InputSizeField() {
  const wanted = useStudio(selectWanted);
  const size = useStudio(selectSize);
  const setSize = useStudio(selectSet);
  if (!wanted) return null;
  const bound = size.costs?.inputShapes[wanted.input];
  const fromData = size.source === 'calibration' || size.source === 'evaluation';
  return (
    <div className="field" data-testid="input-size">
      <label htmlFor="input-size-field">Input size (height×width)</label>
      <input
        id="input-size-field"
        type="text"
        inputMode="numeric"
        placeholder="e.g. 640x640"
        value={size.text}
        disabled={fromData}
        onChange={(e) => setSize(e.target.value)}
        data-testid="input-size-field"
        aria-describedby="input-size-hint"
      />
      <p id="input-size-hint" className="field-hint" data-testid="input-size-hint">
        {bound
          ? `Costs counted at ${formatShape(bound)}, from ${SOURCE[size.source ?? 'field']}.`
          : `Input '${wanted.input}' is ${formatShape(wanted.shape)}: its size is not fixed, so MACs are unknown until one is given here or by attached data.`}
      </p>
      {size.error && (
        <p role="alert" className="inline-error" data-testid="input-size-error">
          {size.error}
        </p>
      )}
    </div>
  );
}

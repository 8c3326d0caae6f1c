import { DataSlotView } from './DataSlotView';
import { InputSizeField } from './InputSizeField';

/** Calibration and evaluation data, parsed in the worker, and the input size a symbolic model is costed at. */
export function DataControls() {
  return (
    <fieldset className="control-group">
      <legend>Data</legend>
      <InputSizeField />
      <DataSlotView role="calibration" />
      <DataSlotView role="evaluation" />
    </fieldset>
  );
}

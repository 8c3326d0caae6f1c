import { DataSlotView } from './DataSlotView';

/** Calibration and evaluation data, parsed in the worker. */
export function DataControls() {
  return (
    <fieldset className="control-group">
      <legend>Data</legend>
      <DataSlotView role="calibration" />
      <DataSlotView role="evaluation" />
    </fieldset>
  );
}

import { DataControls } from './DataControls';
import { EvaluateControls } from './EvaluateControls';
import { RecipeFileButton } from './RecipeFileButton';
import { EstimatePanel } from './EstimatePanel';
import { PruneControls } from './PruneControls';
import { QuantControls } from './QuantControls';
import { TaskControls } from './TaskControls';

/** The left-hand panel: the live estimate, then the recipe's settings. */
export function ControlsPanel() {
  return (
    <aside className="controls" aria-label="Recipe">
      <EstimatePanel />
      <PruneControls />
      <QuantControls />
      <DataControls />
      <TaskControls />
      <EvaluateControls />
      <RecipeFileButton />
    </aside>
  );
}

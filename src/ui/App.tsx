import { useCallback, useEffect } from 'react';
import { useStudio, type StudioStore } from '../state';
import { ControlsPanel } from './controls/ControlsPanel';
import { Inspector } from './inspector/Inspector';
import { OpenModelButton } from './OpenModelButton';
import { SampleMenu } from './SampleMenu';
import { useFileDrop } from './useFileDrop';
import { Workspace } from './Workspace';

const selectFileName = (s: StudioStore) => s.model?.fileName;
const selectOpenFiles = (s: StudioStore) => s.openFiles;
const selectOpenSample = (s: StudioStore) => s.openSample;
const selectOpenSampleData = (s: StudioStore) => s.openSampleData;
const selectApplyRecipe = (s: StudioStore) => s.applyRecipeText;
const isRecipe = (f: File) => /\.json$/i.test(f.name);

/** The studio: header with file controls; recipe controls, workspace and inspector side by side. */
export function App() {
  const fileName = useStudio(selectFileName);
  const openFiles = useStudio(selectOpenFiles);
  const openSample = useStudio(selectOpenSample);
  const openSampleData = useStudio(selectOpenSampleData);

  const applyRecipe = useStudio(selectApplyRecipe);
  // A dropped .json is a recipe; anything else is a model and its external data.
  const onFiles = useCallback(
    (files: File[]) => {
      const recipe = files.length === 1 && isRecipe(files[0]) ? files[0] : undefined;
      if (recipe) void recipe.text().then((text) => applyRecipe(recipe.name, text));
      else void openFiles(files);
    },
    [openFiles, applyRecipe],
  );
  const dragging = useFileDrop(onFiles);

  // A newcomer sees it work at once: the built-in model with its calibration and test sets.
  useEffect(() => {
    void openSample().then(() => Promise.all([openSampleData('calibration'), openSampleData('evaluation')]));
  }, [openSample, openSampleData]);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <h1>Whittle</h1>
          {fileName ? (
            <span className="current-file mono" data-testid="current-file">
              {fileName}
            </span>
          ) : (
            <span className="tagline">Prune and quantize ONNX models, entirely in your browser</span>
          )}
        </div>
        <nav className="actions" aria-label="Model">
          <span className="muted small-text privacy">Files never leave this machine</span>
          <SampleMenu />
          <OpenModelButton onFiles={onFiles} />
        </nav>
      </header>

      <div className="studio">
        <ControlsPanel />
        <Workspace />
        <Inspector />
      </div>

      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div>Drop the .onnx file (and its external data) to open it, or a recipe .json to apply it</div>
        </div>
      )}
    </div>
  );
}

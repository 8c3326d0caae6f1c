import { useCallback, useEffect } from 'react';
import { useStudio, type StudioStore } from '../state';
import { OpenModelButton } from './OpenModelButton';
import { StatusBanner } from './StatusBanner';
import { ModelSummaryView } from './summary/ModelSummaryView';
import { useFileDrop } from './useFileDrop';

const selectModel = (s: StudioStore) => s.model;
const selectOpenModel = (s: StudioStore) => s.openModel;
const selectOpenSample = (s: StudioStore) => s.openSample;

/** The studio shell: header with file controls, status, and the open model's summary. */
export function App() {
  const model = useStudio(selectModel);
  const openModel = useStudio(selectOpenModel);
  const openSample = useStudio(selectOpenSample);

  const openFile = useCallback(
    (file: File) => void file.arrayBuffer().then((buffer) => openModel(file.name, new Uint8Array(buffer))),
    [openModel],
  );
  const dragging = useFileDrop(openFile);

  useEffect(() => {
    void openSample();
  }, [openSample]);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <h1>Whittle</h1>
          <span className="tagline">Prune and quantize ONNX models, entirely in your browser</span>
        </div>
        <nav className="actions" aria-label="Model">
          <button
            type="button"
            className="button"
            onClick={() => void openSample()}
            disabled={model?.isSample === true}
          >
            Load sample
          </button>
          <OpenModelButton onFile={openFile} />
        </nav>
      </header>

      <main className="content">
        <StatusBanner />
        {model ? (
          <ModelSummaryView model={model} />
        ) : (
          <p className="placeholder">Drop an .onnx file anywhere, or use “Open model…”.</p>
        )}
        <p className="drop-hint muted">
          Drop an <span className="mono">.onnx</span> file anywhere on this page to open it. Files never leave
          this machine.
        </p>
      </main>

      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div>Drop the .onnx file to open it</div>
        </div>
      )}
    </div>
  );
}

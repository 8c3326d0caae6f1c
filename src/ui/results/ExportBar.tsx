import { useState } from 'react';
import { buildReport } from '../../core/report';
import { useStudio, type RunRecord, type StudioStore } from '../../state';
import { download, stageFileName } from '../export/download';

const selectSweep = (s: StudioStore) => s.sweep;

/** Downloads for the shown run: its final model, its recipe and a self-contained HTML report. */
export function ExportBar({ run, onDownload }: { run: RunRecord; onDownload: (stage: string) => void }) {
  const sweep = useStudio(selectSweep);
  const [note, setNote] = useState('');
  const base = run.modelFile.replace(/\.onnx$/i, '');
  const saveRecipe = () => {
    download(
      `${base}.recipe.json`,
      new Blob([`${JSON.stringify(run.summary.recipe, null, 2)}\n`], { type: 'application/json' }),
    );
    setNote('Recipe saved.');
  };
  const saveReport = () => {
    const html = buildReport({
      ...run.summary,
      createdAt: run.finishedAt,
      ...(sweep && sweep.modelFile === run.modelFile ? { sweep } : {}),
    });
    download(`${base}.report.html`, new Blob([html], { type: 'text/html' }));
    setNote('Report saved.');
  };
  return (
    <div className="export-bar" role="group" aria-label="Export">
      <button
        type="button"
        className="button primary"
        disabled={run.modelsLost}
        onClick={() => onDownload(run.summary.final)}
        data-testid="download-final"
      >
        Download final model
      </button>
      <span className="muted small-text mono">{stageFileName(run.modelFile, run.summary.final)}</span>
      <span className="toolbar-spacer" />
      <button type="button" className="button" onClick={saveRecipe} data-testid="download-recipe">
        Recipe (.json)
      </button>
      <button type="button" className="button" onClick={saveReport} data-testid="download-report">
        Report (.html)
      </button>
      <span className="visually-hidden" role="status">
        {note}
      </span>
    </div>
  );
}

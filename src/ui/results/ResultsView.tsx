import { useState } from 'react';
import { useStudio, type StudioStore } from '../../state';
import { download, stageFileName } from '../export/download';
import { AccuracySpeedChart } from './AccuracySpeedChart';
import { ExportBar } from './ExportBar';
import { PicturesPanel } from './PicturesPanel';
import { RunFacts } from './RunFacts';
import { RunList } from './RunList';
import { SavedRuns } from './SavedRuns';
import { StageTable } from './StageTable';
import { StudiesPanel } from './StudiesPanel';

const selectRuns = (s: StudioStore) => s.runs;
const selectActive = (s: StudioStore) => s.activeRun;
const selectCompare = (s: StudioStore) => s.compare;
const selectStageModel = (s: StudioStore) => s.stageModel;

/** Runs side by side: the accuracy-versus-speed chart, the shown run's table, exports and studies. */
export function ResultsView() {
  const runs = useStudio(selectRuns);
  const activeId = useStudio(selectActive);
  const compare = useStudio(selectCompare);
  const stageModel = useStudio(selectStageModel);
  const [error, setError] = useState('');
  const active = runs.find((r) => r.id === activeId);
  const compared = runs.filter((r) => compare.includes(r.id));

  const onDownload = (stage: string) => {
    if (!active) return;
    setError('');
    stageModel(active.id, stage).then(
      (bytes) =>
        download(
          stageFileName(active.modelFile, stage),
          new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
        ),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };

  return (
    <div className="results" data-testid="results-view">
      {runs.length === 0 ? (
        <p className="placeholder" data-testid="results-empty">
          Run the pipeline to see each stage’s accuracy, latency, size and MACs here.
        </p>
      ) : (
        <>
          <div className="results-top">
            <section className="results-card chart-card" aria-labelledby="chart-title">
              <h3 id="chart-title" className="results-title">
                Accuracy against speed
              </h3>
              {compared.length ? (
                <AccuracySpeedChart runs={compared} />
              ) : (
                <p className="muted">Tick a run to draw it.</p>
              )}
            </section>
            <section className="results-card runs-card" aria-labelledby="runs-title">
              <h3 id="runs-title" className="results-title">
                Runs
              </h3>
              <RunList />
              <SavedRuns />
            </section>
          </div>
          {active && (
            <section className="results-card" aria-labelledby="stages-title">
              <h3 id="stages-title" className="results-title">
                {active.label} <span className="muted small-text">· {active.modelFile}</span>
              </h3>
              <StageTable run={active} onDownload={onDownload} />
              <ExportBar run={active} onDownload={onDownload} />
              {error && (
                <div role="alert" className="inline-error">
                  {error}
                </div>
              )}
              {active.summary.pictures && <PicturesPanel pictures={active.summary.pictures} />}
              <RunFacts run={active} />
            </section>
          )}
        </>
      )}
      <div className="results-card">
        <StudiesPanel />
      </div>
    </div>
  );
}

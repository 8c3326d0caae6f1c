import { useState } from 'react';
import { useStudio, type StudioStore } from '../state';
import { GraphView } from './graph/GraphView';
import { Notices } from './Notices';
import { ResultsView } from './results/ResultsView';
import { RunBar } from './run/RunBar';
import { CheckpointBanner } from './train/CheckpointBanner';
import { TrainingPanel } from './train/TrainingPanel';
import { StatusBanner } from './StatusBanner';
import { ModelSummaryView } from './summary/ModelSummaryView';
import './results.css';

const selectModel = (s: StudioStore) => s.model;
const selectRunCount = (s: StudioStore) => s.runs.length;
type Tab = 'graph' | 'summary' | 'results';
const tabs: { id: Tab; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'summary', label: 'Summary' },
  { id: 'results', label: 'Results' },
];

/** The centre: status, the run bar, then the graph, the model summary or the results. */
export function Workspace() {
  const model = useStudio(selectModel);
  const runCount = useStudio(selectRunCount);
  const [tab, setTab] = useState<Tab>('graph');
  // A finished run brings its results forward (state adjusted during render, not in an effect).
  const [seenRuns, setSeenRuns] = useState(runCount);
  if (runCount !== seenRuns) {
    setSeenRuns(runCount);
    if (runCount > seenRuns) setTab('results');
  }
  return (
    <main className="workspace">
      <StatusBanner />
      <Notices />
      {model ? (
        <>
          <RunBar />
          <TrainingPanel />
          <CheckpointBanner />
          <div className="tabs" role="tablist" aria-label="View">
            {tabs.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                className="tab"
                data-testid={`tab-${t.id}`}
                onClick={() => setTab(t.id)}
              >
                {t.label}
                {t.id === 'results' && runCount > 0 && <span className="tab-count">{runCount}</span>}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
            {tab === 'graph' ? (
              <GraphView />
            ) : tab === 'summary' ? (
              <ModelSummaryView model={model} />
            ) : (
              <ResultsView />
            )}
          </div>
        </>
      ) : (
        <p className="placeholder">Drop an .onnx file anywhere, or use “Open model…”.</p>
      )}
    </main>
  );
}

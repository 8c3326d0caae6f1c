import { useState } from 'react';
import { useStudio, type StudioStore } from '../state';
import { GraphView } from './graph/GraphView';
import { StatusBanner } from './StatusBanner';
import { ModelSummaryView } from './summary/ModelSummaryView';

const selectModel = (s: StudioStore) => s.model;
type Tab = 'graph' | 'summary';
const tabs: { id: Tab; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'summary', label: 'Summary' },
];

/** The centre: status, then the graph or the model summary. */
export function Workspace() {
  const model = useStudio(selectModel);
  const [tab, setTab] = useState<Tab>('graph');
  return (
    <main className="workspace">
      <StatusBanner />
      {model ? (
        <>
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
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
            {tab === 'graph' ? <GraphView /> : <ModelSummaryView model={model} />}
          </div>
        </>
      ) : (
        <p className="placeholder">Drop an .onnx file anywhere, or use “Open model…”.</p>
      )}
    </main>
  );
}

import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { GraphCanvas } from './GraphCanvas';
import { GraphLegend } from './GraphLegend';
import { GraphToolbar } from './GraphToolbar';

/** The graph tab: toolbar, canvas, legend. */
export function GraphView() {
  return (
    <ReactFlowProvider>
      <section className="graph-view" aria-label="Graph" data-testid="graph-view">
        <GraphToolbar />
        <div className="graph-canvas">
          <GraphCanvas />
          <GraphLegend />
        </div>
      </section>
    </ReactFlowProvider>
  );
}

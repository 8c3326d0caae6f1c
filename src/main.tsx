import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createIndexedDbArchive } from './platform/indexed-db-archive';
import { App } from './ui/App';
import { StudioContext, builtInSamples, createCoreClient, createStudioStore } from './state';
import './ui/styles.css';
import './ui/studio.css';

const store = createStudioStore(createCoreClient(), builtInSamples, createIndexedDbArchive());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioContext.Provider value={store}>
      <App />
    </StudioContext.Provider>
  </StrictMode>,
);

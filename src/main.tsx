import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { StudioContext, builtInSamples, createCoreClient, createStudioStore } from './state';
import './ui/styles.css';
import './ui/studio.css';

const store = createStudioStore(createCoreClient(), builtInSamples);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioContext.Provider value={store}>
      <App />
    </StudioContext.Provider>
  </StrictMode>,
);

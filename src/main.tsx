import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { StudioContext, builtInSample, createCoreClient, createStudioStore } from './state';
import './ui/styles.css';

const store = createStudioStore(createCoreClient(), builtInSample);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioContext.Provider value={store}>
      <App />
    </StudioContext.Provider>
  </StrictMode>,
);

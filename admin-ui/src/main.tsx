import '@patternfly/react-core/dist/styles/base.css';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App';

// The gateway serves the UI at /admin/ and answers index.html for every page under it, so the
// router owns the paths below /admin (vite.config.ts `base` is the same prefix).
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <BrowserRouter basename="/admin">
      <App />
    </BrowserRouter>
  </StrictMode>,
);

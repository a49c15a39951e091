import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { keepPublishOrigin } from './features/publish/origin.ts';
import './global.css';

// Before anything can redirect to sign-in: the origin of a publish command is only in this load's referrer.
keepPublishOrigin();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// DEVELOPMENT ONLY — the screens over the in-page memory platform (memory-platform.ts).
// ?tickets=N (default 2000), ?role=clerk|supervisor|admin, ?signin to start signed out.
import { createRoot } from 'react-dom/client';
import { App } from '../app/App';
import type { UserRole } from '../../core/app-api';
import { createMemoryPlatform } from './memory-platform';

const params = new URLSearchParams(window.location.search);
const role = (['clerk', 'supervisor', 'admin'] as const).find((candidate) => candidate === params.get('role')) ?? ('clerk' satisfies UserRole);
const root = createRoot(document.getElementById('root')!);
root.render(<p role="status">Generando el ayuntamiento de demostración…</p>);
const started = performance.now();
void createMemoryPlatform({ tickets: Number(params.get('tickets') ?? 2000), role, signedIn: !params.has('signin') }).then((platform) => {
  (window as unknown as { __devPlatform: unknown }).__devPlatform = platform;
  console.warn(`dev platform ready in ${Math.round(performance.now() - started)} ms`);
  root.render(<App platform={platform} />);
});

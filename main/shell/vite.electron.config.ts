// The Electron app's own code, bundled for Electron (which runs JavaScript, not TypeScript) into
// out/main: the main process (index.js), the workstation service (service-process.js) and the
// worker threads it starts from its own folder (parse-worker.js, search-index-worker.js) as ES modules, with the chunks they share beside them; with `--mode preload`, the preload as CommonJS (preload.cjs), as sandboxed preloads
// must be. Packages stay outside the bundle (node_modules ships with the app; better-sqlite3 is
// native and must be rebuilt for Electron's ABI: docs/workstation.md). The settings are the web
// host's bundle's too (main/host/node-bundle.ts).
import { defineConfig } from 'vite';
import { nodeBundleConfig, projectFile, SERVICE_INPUT } from '../host/node-bundle';

export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  return nodeBundleConfig({
    outDir: 'out/main',
    input: preload
      ? { preload: projectFile('preload/index.ts') }
      : { index: projectFile('main/index.ts'), ...SERVICE_INPUT },
    format: preload ? 'cjs' : 'es',
    // The two builds share the folder: only the first empties it, and each lists its own sources.
    emptyOutDir: !preload,
    buildInfoFile: preload ? 'build-info.preload.json' : 'build-info.json',
  });
});

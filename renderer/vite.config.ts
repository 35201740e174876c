// The production build of the screens: renderer/index.html → dist/renderer, served by the web
// host and loaded by Electron. The development harness (renderer/dev/) has its own config and is
// never part of this build. (No node: imports here: renderer/ lints as DOM-only; URL suffices.)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => decodeURIComponent(new URL(path, import.meta.url).pathname);

export default defineConfig({
  root: here('.'),
  // Relative asset URLs: the same build works from the web host's origin and from Electron's.
  base: './',
  plugins: [react()],
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // RxDB, MUI and React in one chunk are ~1.5 MB before gzip: a local file, not a download.
    chunkSizeWarningLimit: 2500,
  },
});

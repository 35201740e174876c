// DEVELOPMENT ONLY — builds the harness (renderer/dev/index.html over the in-page memory
// platform) into .scratch/dev-renderer, outside dist/: it is never shipped.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => decodeURIComponent(new URL(path, import.meta.url).pathname);

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  build: { outDir: here('../../.scratch/dev-renderer'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 5000 },
});

// The Electron app's own code, bundled for Electron (which runs JavaScript, not TypeScript) into
// out/main: the main process (index.js), the workstation service (service-process.js) and the
// mail parser's worker thread (parse-worker.js, which main/mail/parse-pool.ts starts from its own
// folder) as ES modules, with the chunks they share beside them; with `--mode preload`, the preload as CommonJS (preload.cjs), as sandboxed preloads
// must be. Packages stay outside the bundle (node_modules ships with the app; better-sqlite3 is
// native and must be rebuilt for Electron's ABI: docs/workstation.md).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** Bare imports (packages) and Node's built-ins are left to run time. */
const external = (id: string) => id === 'electron' || id.startsWith('node:') || builtinModules.includes(id) || /^[@a-z]/i.test(id);

export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  const input: Record<string, string> = preload
    ? { preload: here('../../preload/index.ts') }
    : { index: here('../index.ts'), 'service-process': here('../host/service-process.ts'), 'parse-worker': here('../mail/parse-worker.ts') };
  return {
    configFile: false,
    build: {
      outDir: here('../../out/main'),
      // The two builds share the folder: only the first empties it.
      emptyOutDir: !preload,
      target: 'node20',
      ssr: true,
      sourcemap: true,
      minify: false,
      rollupOptions: {
        input,
        external,
        output: {
          format: preload ? ('cjs' as const) : ('es' as const),
          entryFileNames: preload ? '[name].cjs' : '[name].js',
          // Shared chunks in the same folder as the entries, not in assets/: the parse pool, in
          // whichever chunk it lands, finds parse-worker.js beside itself (`new URL('./…', import.meta.url)`).
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  };
});

// The web host's processes bundled for plain node into out/host (`npm run build:host`, also part
// of `npm run build`): the web host (web-host.cli.js), the workstation service it starts
// (service-process.js) and the worker threads it starts (parse-worker.js, search-index-worker.js),
// with the chunks they share beside them. Running these instead of the TypeScript sources through tsx keeps a compiler
// out of the clerk's workstation (docs/performance.md#workstation); service-launch.ts decides
// which runs, and refuses a bundle older than its sources.
import { defineConfig } from 'vite';
import { nodeBundleConfig, projectFile, SERVICE_INPUT } from './node-bundle';

export default defineConfig(
  nodeBundleConfig({
    outDir: 'out/host',
    input: { 'web-host.cli': projectFile('main/host/web-host.cli.ts'), ...SERVICE_INPUT },
  }),
);

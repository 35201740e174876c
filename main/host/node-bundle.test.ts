// A real build with the shared settings writes beside its bundle what each source held, so that a
// source whose time moves without its text (a checkout, an editor) leaves the bundle current.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { BUILD_INFO_FILE, bundleProblem, sourceHash, type BuildInfo } from './bundle-freshness';
import { nodeBundleConfig, projectFile } from './node-bundle';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

describe('the build information of a Node bundle', () => {
  it('records every bundled project file with the hash of its bytes', async () => {
    const made = temporaryFolder('ventanilla-node-bundle-');
    folders.push(made);
    // A small module of the project with a few imports of its own: the calendar of working days.
    await build({ ...nodeBundleConfig({ input: { calendar: projectFile('core/calendar/index.ts') }, outDir: made.folder }), configFile: false, logLevel: 'silent', root: ROOT });

    const info = JSON.parse(readFileSync(path.join(made.folder, BUILD_INFO_FILE), 'utf8')) as BuildInfo;
    expect(info.sources).toContain('core/calendar/index.ts');
    expect(info.sources.length).toBeGreaterThan(1);
    expect(Object.keys(info.hashes ?? {}).sort()).toEqual(info.sources);
    for (const source of info.sources) expect(info.hashes![source], source).toBe(sourceHash(readFileSync(path.join(ROOT, source))));
    expect(bundleProblem(made.folder, ROOT, ['calendar.js'])).toBeUndefined();
  }, 60_000);
});

// The web host starts the built service under plain node when the build is today's code, the
// sources through tsx otherwise (saying why), and refuses outright when told to insist on the build.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { BUILD_INFO_FILE } from './bundle-freshness';
import { HOST_BUNDLE_ENTRIES, serviceFromEnvironment, serviceLaunch } from './service-launch';
import { SERVICE_EXEC_ARGV } from './service-flags';

const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

function bundleFolder(options: { built: boolean }): string {
  const made = temporaryFolder('ventanilla-host-bundle-');
  folders.push(made);
  if (options.built) {
    for (const entry of HOST_BUNDLE_ENTRIES) writeFileSync(path.join(made.folder, entry), '// built');
    // Built now from no project file: nothing can be newer.
    writeFileSync(path.join(made.folder, BUILD_INFO_FILE), JSON.stringify({ builtAt: Date.now(), sources: [] }));
  } else {
    mkdirSync(made.folder, { recursive: true });
  }
  return made.folder;
}

describe('how the web host starts the workstation service', () => {
  it('runs the built service with plain node and the service flags when the build is current', () => {
    const bundle = bundleFolder({ built: true });
    for (const from of ['auto', 'bundle'] as const) {
      expect(serviceLaunch(from, bundle)).toEqual({ entry: path.join(bundle, 'service-process.js'), execArgv: SERVICE_EXEC_ARGV, from: 'bundle' });
    }
  });

  it('falls back to the sources through tsx without a build, and says why', () => {
    const launch = serviceLaunch('auto', bundleFolder({ built: false }));
    expect(launch).toMatchObject({ from: 'source', execArgv: ['--import', 'tsx', ...SERVICE_EXEC_ARGV] });
    expect(launch.entry).toMatch(/main[/\\]host[/\\]service-process\.ts$/);
    expect(launch.note).toMatch(/web-host\.cli\.js is missing.*npm run build:host/);
  });

  it('refuses to start without a current build when told to insist on it', () => {
    expect(() => serviceLaunch('bundle', bundleFolder({ built: false }))).toThrow(/the built workstation service cannot be used: .* is missing\. Build it with "npm run build:host"/);
  });

  it('runs the sources when asked, even with a build there', () => {
    expect(serviceLaunch('source', bundleFolder({ built: true })).from).toBe('source');
  });

  it('reads the choice from VENTANILLA_SERVICE_FROM and refuses a value it does not know', () => {
    expect(serviceFromEnvironment(undefined)).toBe('auto');
    expect(serviceFromEnvironment('')).toBe('auto');
    expect(serviceFromEnvironment('bundle')).toBe('bundle');
    expect(serviceFromEnvironment('source')).toBe('source');
    expect(() => serviceFromEnvironment('built')).toThrow(/must be "bundle", "source" or "auto"/);
  });
});

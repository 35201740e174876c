// The headless service as a council's IT runs it: the command line, its log, its signals.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registeredWorkstations, serverDocuments } from '../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL } from '../sync/test-support/council';
import { useHeadlessServiceFixture } from './test-support/headless-service';

const fixture = useHeadlessServiceFixture('ventanilla-service-');

describe('the headless workstation service', () => {
  it('signs in, replicates, logs its status and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(fixture.folder, 'ana');
    const run = fixture.service(['--data', dataDir, '--server', fixture.server.url, '--email', ANA.email, '--log', 'json'], { VENTANILLA_PASSWORD: ANA.password });
    const started = await run.waitFor((line) => line.event === 'started', 'started');
    expect(started.user).toBe(ANA.email);
    await run.waitFor((line) => line.event === 'sync' && line.state === 'online' && line.liveUpdates === true, 'online');
    expect(existsSync(path.join(dataDir, 'workstation.json'))).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // It proved its workstation id with a secret of its own, kept where only its user reads it.
    expect(statSync(path.join(dataDir, 'workstation-secret.json')).mode & 0o777).toBe(0o600);
    const id = readFileSync(path.join(dataDir, 'workstation-id'), 'utf8').trim();
    expect(await registeredWorkstations(path.join(fixture.folder, 'server'))).toEqual([id]);
    expect(run.lines.map((line) => line.event)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    // No password or token in the log.
    expect(JSON.stringify(run.lines)).not.toContain(ANA.password);
  }, 60_000);

  it('starts from its replica while the server is down, and syncs once the server is back', async () => {
    const dataDir = path.join(fixture.folder, 'ana');
    const env = { VENTANILLA_DATA: dataDir, VENTANILLA_SERVER: fixture.server.url, VENTANILLA_EMAIL: ANA.email, VENTANILLA_PASSWORD: ANA.password };
    const first = fixture.service(['--log', 'json'], env);
    await first.waitFor((line) => line.event === 'sync' && line.state === 'online', 'online');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    await fixture.server.stop();
    const second = fixture.service(['--log', 'json'], env);
    await second.waitFor((line) => line.event === 'started', 'started without the server');
    await second.waitFor((line) => line.event === 'sync' && line.state === 'offline' && typeof line.offlineSince === 'string', 'offline');
    await fixture.server.restart();
    await second.waitFor((line) => line.event === 'sync' && line.state === 'online', 'online again');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect((await serverDocuments(fixture.server.url, ADMIN, 'users')).length).toBe(COUNCIL.users.length);
  }, 90_000);

  it('refuses to start without its options, saying which are missing', async () => {
    const run = fixture.service(['--data', path.join(fixture.folder, 'x')], { VENTANILLA_SERVER: '', VENTANILLA_EMAIL: '', VENTANILLA_PASSWORD: '' });
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(run.lines)).toContain('missing --server, --email, --password');
  }, 30_000);

  it('refuses to ingest mail without the council name its automatic answers are signed with', async () => {
    const run = fixture.service(['--data', path.join(fixture.folder, 'x'), '--server', fixture.server.url, '--email', ANA.email, '--mail'], { VENTANILLA_PASSWORD: 'whatever', VENTANILLA_COUNCIL_NAME: '' });
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(run.lines)).toContain('--mail needs --council-name');
  }, 30_000);

  it('exits with an error when the server refuses the password at the first sign-in', async () => {
    const run = fixture.service(['--data', path.join(fixture.folder, 'ana'), '--server', fixture.server.url, '--email', ANA.email], { VENTANILLA_PASSWORD: 'not her password' });
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(run.lines)).toContain('signing in failed');
  }, 30_000);
});

import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoginResponse } from '../core/sync/replication-protocol';
import { useServerCli } from './test-support/cli-harness';

const PASSWORD = 'una contraseña larga';

describe('the server command line', () => {
  const cli = useServerCli();
  const { run, output, errors } = cli;

  it('creates departments, the first administrator and users through the replicated documents, and audits it', async () => {
    expect(await run('create-department', '--id', 'urbanismo', '--name', 'Urbanismo y Licencias', '--code', 'URB', '--mail-aliases', 'Urbanismo@ayto.example')).toBe(0);
    expect(await run('create-admin', '--email', 'Admin@ayto.example', '--name', 'Ana Administradora', '--password', PASSWORD)).toBe(0);
    expect(await run('create-user', '--email', 'luis@ayto.example', '--name', 'Luis Gil', '--role', 'clerk', '--departments', 'urbanismo', '--password', PASSWORD)).toBe(0);
    expect(output.join('')).toMatch(/created department urbanismo \(URB, Urbanismo y Licencias\)\ncreated administrator admin@ayto\.example \(id [0-9a-f-]{36}\)\ncreated clerk luis@ayto\.example/);

    const db = await cli.openDatabase();
    try {
      const clerk = await db.users.byEmail('luis@ayto.example');
      expect(clerk).toMatchObject({ role: 'clerk', departmentIds: ['urbanismo'], active: true });
      expect(clerk!.passwordHash).toMatch(/^scrypt\$/);
      const [document] = await db.getDocuments('users', [clerk!.id]);
      expect(JSON.parse(document!.body)).toMatchObject({ id: clerk!.id, name: 'Luis Gil', email: 'luis@ayto.example', role: 'clerk', departmentIds: ['urbanismo'], _deleted: false });
      const [department] = await db.getDocuments('departments', ['urbanismo']);
      expect(JSON.parse(department!.body)).toMatchObject({ code: 'URB', mailAliases: ['urbanismo@ayto.example'], assignmentMode: 'manual', active: true });
      const writes = await db.audit.query({ action: 'write' });
      expect(writes.map((entry) => [entry.collection, entry.userId?.startsWith('cli:')])).toEqual([
        ['departments', true],
        ['users', true],
        ['users', true],
      ]);
    } finally {
      await db.close();
    }
  });

  it('refuses with clear errors: a duplicate address, an unknown department, a short password, a missing option', async () => {
    await run('create-admin', '--email', 'admin@ayto.example', '--name', 'Ana', '--password', PASSWORD);
    expect(await run('create-admin', '--email', 'ADMIN@ayto.example', '--name', 'Otra', '--password', PASSWORD)).toBe(1);
    expect(await run('create-user', '--email', 'x@ayto.example', '--name', 'X', '--role', 'clerk', '--departments', 'padron', '--password', PASSWORD)).toBe(1);
    expect(await run('create-user', '--email', 'y@ayto.example', '--name', 'Y', '--role', 'clerk', '--password', 'corta')).toBe(1);
    expect(await run('create-department', '--id', 'urbanismo', '--name', 'Urbanismo', '--code', 'urb')).toBe(1);
    expect(await run('create-user', '--email', 'z@ayto.example', '--name', 'Z', '--role', 'jefe', '--password', PASSWORD)).toBe(2);
    expect(await run('create-department', '--name', 'Sin id')).toBe(2);
    expect(errors.map((line) => line.split('\n')[0])).toEqual([
      'error: a user with the e-mail address admin@ayto.example already exists',
      'error: no such department: padron (create it first with create-department)',
      'error: the password must have at least 12 characters',
      expect.stringMatching(/^error: push\[0\] \("urbanismo"\): departments\.code /),
      '--role must be one of clerk, supervisor, admin',
      '--id is required',
    ]);
  });

  it('serves from its data folder with a secret kept 0600, signs in a user it created, and stops on SIGTERM', async () => {
    await run('create-admin', '--email', 'admin@ayto.example', '--name', 'Ana', '--password', PASSWORD);
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['server/cli.ts', 'serve', '--data', cli.folder(), '--port', '0'], {
      env: { ...process.env, DATABASE_URL: '', VENTANILLA_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start: ${log}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const match = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    try {
      expect(statSync(path.join(cli.folder(), 'secret')).mode & 0o777).toBe(0o600);
      const response = await fetch(`${address}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@ayto.example', password: PASSWORD }),
      });
      expect(response.status).toBe(200);
      const login = (await response.json()) as LoginResponse;
      expect(login.user).toMatchObject({ name: 'Ana', role: 'admin' });
      expect(log).toContain('"msg":"Ventanilla server listening"');
      expect(log).not.toContain(PASSWORD);
      expect(log).not.toContain(login.accessToken);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

// The mail stack stays unloaded on a workstation without a mailbox, and comes up by itself the
// moment mail is in use: an account on disk at sign-in, the settings screen, a reply written here.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailStatusView, Session } from '../../core/app-api';
import { newId } from '../../core/ids';
import { buildReplyMessage } from '../../core/mail/outgoing';
import { NO_CITIZEN } from '../../core/schemas';
import { temporaryFolder } from '../sync/test-support/council';
import { AppService } from './app-service';
import { hasMailAccounts } from './mail-seam';
import { until } from './test-support/protocol-client';

const services: AppService[] = [];
const folders: { remove(): void }[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  for (const folder of folders.splice(0)) folder.remove();
});

function folder(): string {
  const made = temporaryFolder('ventanilla-mail-seam-');
  folders.push(made);
  return made.folder;
}

/** A standalone office's service, its clerk (an administrator of their own database) signed in. */
async function office(dataDir = folder()): Promise<{ service: AppService; dataDir: string; session: Session & { state: 'signed-in' } }> {
  const service = new AppService({ dataDir, mail: { channel: { parseWorkers: 0, durability: 'normal' }, outboxBackoff: { initialMs: 60_000, maxMs: 60_000 } } });
  services.push(service);
  await service.start();
  const answer = await service.call('session:work-locally', { name: 'Rosa Gil', email: 'rosa@ayuntamiento-ejemplo.es' });
  if (!answer.ok || (answer.value as Session).state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(answer)}`);
  return { service, dataDir, session: answer.value as Session & { state: 'signed-in' } };
}

const ACCOUNT = {
  name: 'Registro General',
  address: 'registro@ayuntamiento-ejemplo.es',
  // Nothing listens there: the account is saved, its fetcher retries in the background.
  host: '127.0.0.1',
  port: 9,
  security: 'none' as const,
  user: 'registro@ayuntamiento-ejemplo.es',
  password: 'secreto',
  defaultDepartmentId: '',
  smtp: { host: '127.0.0.1', port: 9, security: 'none' as const, user: '' },
};

describe('the mail stack, loaded when mail is in use', () => {
  it('reads "no account" from an empty or absent accounts file, and "maybe" from one it cannot read', () => {
    const dir = folder();
    expect(hasMailAccounts(dir)).toBe(false);
    mkdirSync(path.join(dir, 'mail'), { recursive: true });
    writeFileSync(path.join(dir, 'mail', 'accounts.json'), '[]');
    expect(hasMailAccounts(dir)).toBe(false);
    writeFileSync(path.join(dir, 'mail', 'accounts.json'), '[{"id": "a1", "address": "registro@ayuntamiento-ejemplo.es"}]');
    expect(hasMailAccounts(dir)).toBe(true);
    writeFileSync(path.join(dir, 'mail', 'accounts.json'), '{ not json');
    expect(hasMailAccounts(dir)).toBe(true);
  });

  it('signs in without starting mail, and answers the mail status without loading it', async () => {
    const { service } = await office();
    expect(service.session.mail).toBeUndefined();
    const status = await service.call('mail:status', {});
    expect(status).toMatchObject({ ok: true, value: { running: false, accounts: [] } });
    expect(service.session.mail).toBeUndefined();
  });

  it('starts mail when the settings screen asks for the accounts, and at the next sign-in once an account exists', async () => {
    const { service, dataDir } = await office();
    expect(await service.call('mail:accounts', {})).toEqual({ ok: true, value: [] });
    expect(service.session.mail).toBeDefined();
    expect(((await service.call('mail:status', {})) as { value: MailStatusView }).value.running).toBe(true);
    const saved = await service.call('mail:save-account', ACCOUNT);
    expect(saved).toMatchObject({ ok: true, value: { address: ACCOUNT.address } });
    await service.stop();
    services.splice(services.indexOf(service), 1);

    // The next start reopens the session, and with an account on disk the mail starts with it.
    const again = new AppService({ dataDir, mail: { channel: { parseWorkers: 0, durability: 'normal' } } });
    services.push(again);
    await again.start();
    expect(again.session.mail).toBeDefined();
    expect(again.session.mail!.accounts().map((account) => account.address)).toEqual([ACCOUNT.address]);
  });

  it('starts the outbox for a reply written on this workstation, which then waits for a sending account', async () => {
    const { service, session } = await office();
    const db = service.session.database!;
    const now = Date.now();
    const ticket = { id: newId(now), reference: 'REG-2026-000001', citizenId: NO_CITIZEN, subject: 'Licencia de obra menor' };
    const reply = buildReplyMessage({
      id: newId(now),
      ticket,
      from: { name: 'Registro General', address: ACCOUNT.address },
      mailDomain: 'ayuntamiento-ejemplo.es',
      to: [{ address: 'vecina@correo.example' }],
      text: 'Su solicitud está en trámite.',
      auto: false,
      authorId: session.user.id,
      createdAt: now,
      workstationId: session.workstationId,
    });
    await db.messages.insert(reply);
    await until(() => service.session.mail !== undefined, 20_000, 'the mail channel starting for the reply');
    // The outbox took it: it tries, and says why it cannot leave yet.
    await until(async () => ((await db.messages.findOne(reply.id).exec())?.outbox?.error ?? '').includes('No hay cuenta de envío'), 20_000, 'the outbox trying the reply');
  });
});

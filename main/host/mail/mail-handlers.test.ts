// Who may do what with the mail channels of the app API.
import { describe, expect, it } from 'vitest';
import type { UserRole } from '../../../core/app-api';
import { AppFailure } from '../sign-in';
import type { WorkstationSession } from '../workstation-session';
import { mailHandlers } from './mail-handlers';
import type { MailWiring } from './mail-wiring';

const status = { running: true, accounts: [], pending: 0, quarantined: 0, outbox: { queued: 0, sending: 0, failed: 0, mailServer: 'unknown', items: [] } };
const wiring = { accounts: () => [], quarantine: () => [], status: () => status, channel: { syncNow: () => undefined } } as unknown as MailWiring;

function sessionOf(role: UserRole | undefined): WorkstationSession {
  return { user: role && { id: 'u', role }, mail: role ? wiring : undefined, mailStatus: () => status } as unknown as WorkstationSession;
}

async function failureOf(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error instanceof AppFailure ? error.error : error;
  }
  return undefined;
}

describe('the mail channels of the app API', () => {
  it('keeps accounts and the quarantine for supervisors and administrators', async () => {
    const clerk = mailHandlers(sessionOf('clerk'));
    expect(await failureOf(() => clerk['mail:accounts']({}))).toMatchObject({ code: 'forbidden' });
    expect(await failureOf(() => clerk['mail:quarantine']({}))).toMatchObject({ code: 'forbidden' });
    expect(await failureOf(() => clerk['mail:remove-account']({ id: 'x' }))).toMatchObject({ code: 'forbidden' });
    expect(await mailHandlers(sessionOf('supervisor'))['mail:accounts']({})).toEqual([]);
    expect(await mailHandlers(sessionOf('admin'))['mail:quarantine']({})).toEqual([]);
  });

  it('lets any clerk see the status and ask for a sync, and asks to sign in first', async () => {
    const clerk = mailHandlers(sessionOf('clerk'));
    expect(await clerk['mail:status']({})).toEqual(status);
    expect(await clerk['mail:sync-now']({})).toEqual(status);
    expect(await failureOf(() => mailHandlers(sessionOf(undefined))['mail:sync-now']({}))).toMatchObject({ code: 'not_signed_in' });
  });
});

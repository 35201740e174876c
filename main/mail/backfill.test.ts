// A back-fill (a new account on a full mailbox, a workstation back from a week offline) goes in
// resumable batches with its progress in the status, and new mail that arrives meanwhile is
// fetched between its batches and processed ahead of it. Against Dovecot.
import { ingested, plainMail, useDovecot, waitUntil } from './test-support/mail-fixture';

const OLD = 1000;
const old = (n: number) => plainMail({ from: `vecino${n % 50}@correo.test`, subject: `Antiguo ${n}`, messageId: `antiguo-${n}@correo.test`, text: `Mensaje antiguo ${n}` });

const bed = useDovecot({ prepare: (dovecot) => dovecot.writeMaildir(Array.from({ length: OLD }, (_, n) => old(n))) });

describe('a back-fill', () => {
  it('shows its progress as n of m and lets new mail through first', async () => {
    const workstation = await bed.startWorkstation({ batchSize: 20, pollSeconds: 3600 });
    const progress: { done: number; total: number }[] = [];
    workstation.mail.onStatus((status) => {
      const current = status.accounts[0]?.progress;
      if (current && progress.at(-1)?.done !== current.done) progress.push(current);
    });
    await waitUntil(() => (workstation.mail.status().accounts[0]?.progress?.done ?? 0) >= 40, 'the back-fill under way');

    const arrived = new Promise<number>((resolve) => {
      const subscription = workstation.local.db.messages.insert$.subscribe((event) => {
        if (event.documentData.email?.messageId === 'nuevo@correo.test') {
          subscription.unsubscribe();
          // How many of the old mails were documents when the new one became one.
          resolve(workstation.mail.status().spool.done - 1);
        }
      });
    });
    await bed.dovecot.append(['From: vecina@correo.test\r\nTo: registro@ayto.test\r\nSubject: Urgente\r\nMessage-ID: <nuevo@correo.test>\r\n\r\nHa llegado ahora.\r\n']);
    const oldDoneBeforeNew = await arrived;
    await ingested(workstation.mail, OLD + 1, 120_000);

    expect(oldDoneBeforeNew).toBeLessThan(OLD);
    expect(progress[0]!.total).toBe(OLD);
    expect(progress.at(-1)).toEqual({ done: OLD, total: OLD });
    expect(progress.map((step) => step.done)).toEqual([...progress.map((step) => step.done)].sort((a, b) => a - b));
    expect(await workstation.local.db.messages.count().exec()).toBe(OLD + 1);
    expect(workstation.mail.status().spool).toMatchObject({ done: OLD + 1, duplicate: 0, quarantined: 0 });
  }, 180_000);
});

import { describe, expect, it } from 'vitest';
import { settleInterruptedSend } from './interrupted-send';

const MAILBOX = 'registro@ayto-villanueva.es';
const ID = 'ventanilla.01959c7e@ayto-villanueva.es';

describe('a reply found in sending after a restart', () => {
  it('is recorded as sent when the Sent folder holds its Message-ID', async () => {
    const asked: string[] = [];
    const verdict = await settleInterruptedSend(MAILBOX, ID, async (mailbox, messageId) => {
      asked.push(`${mailbox} ${messageId}`);
      return true;
    });
    expect(verdict.action).toBe('record-sent');
    expect(asked).toEqual([`${MAILBOX} ${ID}`]);
  });

  it('is sent again when the Sent folder does not hold it', async () => {
    expect(await settleInterruptedSend(MAILBOX, ID, async () => false)).toMatchObject({ action: 'resend', why: expect.stringContaining('no está en la carpeta de enviados') });
  });

  it('is sent again, saying why, when the Sent folder cannot be read', async () => {
    const verdict = await settleInterruptedSend(MAILBOX, ID, async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:993');
    });
    expect(verdict).toEqual({ action: 'resend', why: expect.stringContaining('ECONNREFUSED') });
  });

  it('is sent again when no IMAP account can be asked', async () => {
    expect(await settleInterruptedSend(MAILBOX, ID, undefined)).toMatchObject({ action: 'resend' });
  });
});

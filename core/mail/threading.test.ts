import { resolveThread, type KnownMessage, type ThreadInput } from './threading';

/** A mailbox's past: Message-ID → message, and ticket reference → ticket of the sender. */
function lookup(messages: Record<string, KnownMessage>, ticketsOfSender: Record<string, string> = {}) {
  return {
    messageByMessageId: (id: string) => messages[id],
    ticketOfSenderByReference: (reference: string) => ticketsOfSender[reference],
  };
}

const mail = (overrides: Partial<ThreadInput>): ThreadInput => ({ messageId: 'new@x', references: [], ...overrides });

describe('threading a received mail', () => {
  it('does nothing for a Message-ID already seen', async () => {
    const decision = await resolveThread(mail({ messageId: 'a@x', inReplyTo: 'b@x' }), lookup({ 'a@x': { messageDocId: 'ma', ticketId: 't1' } }));
    expect(decision).toEqual({ kind: 'duplicate', messageDocId: 'ma', ticketId: 't1' });
  });

  it('follows In-Reply-To first, then References from the newest', async () => {
    const known = lookup({ 'a@x': { messageDocId: 'ma', ticketId: 'tA' }, 'b@x': { messageDocId: 'mb', ticketId: 'tB' }, 'c@x': { messageDocId: 'mc', ticketId: 'tC' } });
    expect(await resolveThread(mail({ inReplyTo: 'c@x', references: ['a@x', 'b@x'] }), known)).toMatchObject({ kind: 'existing', ticketId: 'tC', by: 'in-reply-to' });
    expect(await resolveThread(mail({ inReplyTo: 'zz@x', references: ['a@x', 'b@x'] }), known)).toMatchObject({ kind: 'existing', ticketId: 'tB', by: 'references' });
    expect(await resolveThread(mail({ references: ['a@x', 'unknown@x'] }), known)).toMatchObject({ kind: 'existing', ticketId: 'tA', matched: 'a@x' });
  });

  it('puts a report in the ticket of the message it returns, naming that message', async () => {
    const decision = await resolveThread(mail({ report: { kind: 'delivery', returned: ['ours@ayto'] } }), lookup({ 'ours@ayto': { messageDocId: 'out1', ticketId: 't9' } }));
    expect(decision).toEqual({ kind: 'existing', ticketId: 't9', by: 'report', reportOf: 'out1', matched: 'ours@ayto' });
  });

  it('follows a reference tag in the subject only when the ticket is the sender’s own', async () => {
    const own = lookup({}, { '2026-7KQ4-M2XD': 'tR' });
    expect(await resolveThread(mail({ subject: 'RE: RV: [#2026-7KQ4-M2XD] Vado' }), own)).toMatchObject({ kind: 'existing', ticketId: 'tR', by: 'subject-reference' });
    // Where we write it (outgoingSubject: at the end), under the citizen's client's own prefixes.
    expect(await resolveThread(mail({ subject: 'RE: Re: Vado [#2026-7KQ4-M2XD]' }), own)).toMatchObject({ kind: 'existing', ticketId: 'tR', by: 'subject-reference' });
    // Someone else quoting the same subject: the lookup finds no ticket of theirs.
    expect(await resolveThread(mail({ subject: 'RE: [#2026-7KQ4-M2XD] Vado' }), lookup({}))).toEqual({ kind: 'new', rootMessageId: 'new@x' });
  });

  it('opens a new ticket rooted at the oldest id named, so a reply read first meets its original', async () => {
    expect(await resolveThread(mail({ inReplyTo: 'b@x', references: ['a@x', 'b@x'] }), lookup({}))).toEqual({ kind: 'new', rootMessageId: 'a@x' });
    expect(await resolveThread(mail({ messageId: 'a@x' }), lookup({}))).toEqual({ kind: 'new', rootMessageId: 'a@x' });
  });

  it('roots an unmatched report at itself, not at the thread its headers happen to name', async () => {
    expect(await resolveThread(mail({ references: ['a@x'], report: { kind: 'delivery', returned: [] } }), lookup({}))).toEqual({ kind: 'new', rootMessageId: 'new@x' });
  });
});

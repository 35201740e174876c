import { citizenDocumentId, messageDocumentId, messageIdList, normalizeMessageId, syntheticMessageId, threadRoot, ticketDocumentId } from './message-ids';

const digest = (fill: (i: number) => number) => Uint8Array.from({ length: 32 }, (_, i) => fill(i));

describe('ids of mail', () => {
  it('are 40 hex characters from a SHA-256 digest, the same for the same digest', () => {
    const bytes = digest((i) => i);
    expect(messageDocumentId(bytes)).toBe('000102030405060708090a0b0c0d0e0f10111213');
    expect(messageDocumentId(bytes)).toBe(messageDocumentId(digest((i) => i)));
    expect(citizenDocumentId(bytes)).toHaveLength(40);
  });

  it('give a ticket an id other than its first message though both come from one digest', () => {
    const bytes = digest((i) => i * 7);
    expect(ticketDocumentId(bytes)).not.toBe(messageDocumentId(bytes));
    expect(ticketDocumentId(bytes)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuse anything that is not a SHA-256 digest', () => {
    expect(() => messageDocumentId(new Uint8Array(20))).toThrow(RangeError);
  });

  it('name a mail without Message-ID by the hash of its bytes, at a domain that cannot exist', () => {
    expect(syntheticMessageId('a'.repeat(64))).toBe(`${'a'.repeat(64)}@sin-message-id.invalid`);
    expect(() => syntheticMessageId('not a hash')).toThrow(RangeError);
  });
});

describe('Message-IDs in headers', () => {
  it('lose their angle brackets and surrounding noise, and keep their case', () => {
    expect(normalizeMessageId(' <AbC.123@Mail.Example> ')).toBe('AbC.123@Mail.Example');
    expect(normalizeMessageId('abc@host (a comment)')).toBe('abc@host');
    expect(normalizeMessageId('   ')).toBeUndefined();
    expect(normalizeMessageId(undefined)).toBeUndefined();
  });

  it('are read from References as mailparser gives them: one string, a list, or ids run together', () => {
    expect(messageIdList('<a@x>')).toEqual(['a@x']);
    expect(messageIdList(['<a@x>', '<b@x>'])).toEqual(['a@x', 'b@x']);
    expect(messageIdList('<a@x> <b@x>\r\n <c@x>')).toEqual(['a@x', 'b@x', 'c@x']);
    expect(messageIdList('<a@x><b@x> <a@x>')).toEqual(['a@x', 'b@x']);
    expect(messageIdList(undefined)).toEqual([]);
  });

  it('root a thread at the oldest id a mail names, or at itself', () => {
    expect(threadRoot({ messageId: 'c@x', inReplyTo: 'b@x', references: ['a@x', 'b@x'] })).toBe('a@x');
    expect(threadRoot({ messageId: 'c@x', inReplyTo: 'b@x', references: [] })).toBe('b@x');
    expect(threadRoot({ messageId: 'c@x', references: [] })).toBe('c@x');
  });
});

import { describe, expect, it } from 'vitest';
import { APP_ARG_CHECKS } from './checks';
import { checkClientMessage } from './client-message-check';
import { isServiceMessage, MAX_MESSAGE_BYTES } from './protocol';

describe('the messages a screen sends', () => {
  it('are calls and storage messages of a known shape', () => {
    expect(checkClientMessage('{"t":"call","id":1,"channel":"session:get","arg":{}}').ok).toBe(true);
    expect(checkClientMessage('{"t":"storage-open","channel":3}').ok).toBe(true);
    expect(checkClientMessage('{"t":"storage","channel":3,"message":{"connectionId":"c","requestId":"r","method":"query","version":"17.6.0","params":[]}}').ok).toBe(true);
  });

  it('are refused, saying why, when they are not JSON, not a known kind, carry extra fields or are too large', () => {
    expect(checkClientMessage('{')).toMatchObject({ ok: false, error: { message: 'a message that is not JSON' } });
    expect(checkClientMessage('{"t":"eval","code":"1"}').ok).toBe(false);
    expect(checkClientMessage('{"t":"call","id":1,"channel":"session:get","arg":{},"extra":1}').ok).toBe(false);
    expect(checkClientMessage('{"t":"storage-open","channel":-1}').ok).toBe(false);
    expect(checkClientMessage(' '.repeat(MAX_MESSAGE_BYTES + 1))).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
  });
});

describe('the arguments of the app API', () => {
  it('are checked per channel, never repeating a password in the message', () => {
    expect(APP_ARG_CHECKS['session:sign-in']({ serverUrl: 'https://a.example', email: 'ana@a.example', password: 'x' }).ok).toBe(true);
    const refused = APP_ARG_CHECKS['session:sign-in']({ serverUrl: 'https://a.example', email: 'ana@a.example', password: ['secreto-de-ana'] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).not.toContain('secreto-de-ana');
    expect(APP_ARG_CHECKS['settings:set']({ language: 'fr' }).ok).toBe(false);
    expect(APP_ARG_CHECKS['presence:announce']({ ticketId: null, activity: 'viewing' }).ok).toBe(true);
    expect(APP_ARG_CHECKS['search:tickets']({ text: 'licencia', limit: 0 }).ok).toBe(false);
  });
});

describe('the messages the service sends', () => {
  it('are recognised by their envelope, and anything else is not', () => {
    expect(isServiceMessage({ t: 'result', id: 1, result: { ok: true, value: null } })).toBe(true);
    expect(isServiceMessage({ t: 'event', event: 'session', value: { state: 'signed-out' } })).toBe(true);
    expect(isServiceMessage({ t: 'storage-closed', channel: 1, reason: 'x' })).toBe(true);
    expect(isServiceMessage({ t: 'result', id: '1' })).toBe(false);
    expect(isServiceMessage('{"t":"event"}')).toBe(false);
  });
});

// The screens' end of the service protocol when the connection misbehaves: a dropped wire must
// never leave a call or a database request hanging (shared/NOTES.md), and the client reconnects.
import { describe, expect, it, vi } from 'vitest';
import type { MessageFromRemote } from 'rxdb/plugins/storage-remote';
import { isExternalUrl, ServiceClient, type WireOpener } from './service-client';

/** A wire the test drives: what the client sent, and a way to answer or to cut it. */
function fakeService() {
  const sent: Record<string, unknown>[] = [];
  let events: Parameters<WireOpener>[0] | undefined;
  let opens = 0;
  let refuse = false;
  const opener: WireOpener = async (handlers) => {
    opens++;
    if (refuse) throw new Error('refused');
    events = handlers;
    return { send: (text) => sent.push(JSON.parse(text) as Record<string, unknown>), close: () => undefined };
  };
  return {
    opener,
    sent,
    get opens() {
      return opens;
    },
    refuse(value: boolean) {
      refuse = value;
    },
    answer(message: unknown) {
      events!.message(JSON.stringify(message));
    },
    cut() {
      events!.closed('cut');
    },
  };
}

describe('the service client', () => {
  it('answers a call with the service result', async () => {
    const service = fakeService();
    const client = new ServiceClient(service.opener);
    await client.connect();
    const pending = client.call('sync:status', {});
    const sent = service.sent.at(-1)!;
    expect(sent).toMatchObject({ t: 'call', channel: 'sync:status', arg: {} });
    service.answer({ t: 'result', id: sent.id, result: { ok: true, value: { state: 'online', pendingPushes: 0, liveUpdates: true } } });
    expect(await pending).toEqual({ ok: true, value: { state: 'online', pendingPushes: 0, liveUpdates: true } });
    client.stop();
  });

  it('fails pending calls at once when the connection drops, and calls made while it is down', async () => {
    const service = fakeService();
    const client = new ServiceClient(service.opener);
    await client.connect();
    service.refuse(true);
    const pending = client.call('session:get', {});
    service.cut();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    expect(await client.call('session:get', {})).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    client.stop();
  });

  it('answers pending database requests with an error when the connection drops, so RxDB never waits forever', async () => {
    const service = fakeService();
    const client = new ServiceClient(service.opener);
    await client.connect();
    const channel = (client as unknown as { openStorageChannel(died: () => void): { send(m: unknown): void; messages$: { subscribe(f: (m: MessageFromRemote) => void): unknown } } }).openStorageChannel(
      () => undefined,
    );
    const answers: MessageFromRemote[] = [];
    channel.messages$.subscribe((message) => answers.push(message));
    channel.send({ connectionId: 'c', requestId: 'r1', method: 'query', version: '17.6.0', params: [] });
    service.refuse(true);
    service.cut();
    expect(answers).toMatchObject([{ answerTo: 'r1', error: { message: expect.stringContaining('lost') } }]);
    channel.send({ connectionId: 'c', requestId: 'r2', method: 'query', version: '17.6.0', params: [] });
    await vi.waitFor(() => expect(answers.map((answer) => answer.answerTo)).toEqual(['r1', 'r2']));
    client.stop();
  });

  it('reconnects by itself and tells the screens where the session stands now', async () => {
    const service = fakeService();
    const client = new ServiceClient(service.opener);
    await client.connect();
    const sessions: unknown[] = [];
    client.on('session', (session) => sessions.push(session));
    const states: boolean[] = [];
    client.onConnection((connected) => states.push(connected));
    const before = service.sent.length;
    service.cut();
    await vi.waitFor(() => expect(service.opens).toBe(2));
    // On every (re)connection the client asks where the session stands.
    await vi.waitFor(() => expect(service.sent.slice(before).some((message) => message.channel === 'session:get')).toBe(true));
    const ask = service.sent.slice(before).find((message) => message.channel === 'session:get')!;
    service.answer({ t: 'result', id: ask.id, result: { ok: true, value: { state: 'signed-out' } } });
    await vi.waitFor(() => expect(sessions).toEqual([{ state: 'signed-out' }]));
    expect(states).toEqual([false, true]);
    client.stop();
  });

  it('ignores messages that are not the protocol', async () => {
    const service = fakeService();
    const client = new ServiceClient(service.opener);
    await client.connect();
    const listener = vi.fn();
    client.on('presence', listener);
    service.answer({ t: 'event' });
    service.answer('hello');
    service.answer({ t: 'event', event: 'presence', value: [] });
    expect(listener).toHaveBeenCalledTimes(1);
    client.stop();
  });
});

describe('external links', () => {
  it('are only http, https and mailto', () => {
    expect(['https://a.example/', 'http://a.example/', 'mailto:a@b.example'].every(isExternalUrl)).toBe(true);
    expect(['javascript:alert(1)', 'file:///etc/passwd', 'app://ventanilla/', 'nonsense'].some(isExternalUrl)).toBe(false);
  });
});

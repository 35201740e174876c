// The bookkeeping both clients of the app API share: a call answered by the result of its own id,
// events to their listeners, and never a hang or a throw when the service is slow or gone.
import { describe, expect, it } from 'vitest';
import type { ClientMessage } from './protocol';
import { ClientCalls, parseServiceMessage, type StartTimer } from './client-calls';

/** Timers the test fires by hand: `fire()` runs every one started and not cancelled. */
function manualTimers() {
  const running = new Map<number, () => void>();
  let next = 0;
  const start: StartTimer = (fire) => {
    const id = next++;
    running.set(id, fire);
    return () => running.delete(id);
  };
  return {
    start,
    get running() {
      return running.size;
    },
    fire: () => [...running.values()].forEach((fire) => fire()),
  };
}

describe('the calls of an app API client', () => {
  it('answers each call with the result of its own id, and drops a result nobody waits for', async () => {
    const sent: ClientMessage[] = [];
    const calls = new ClientCalls();
    const first = calls.call('settings:get', {}, (message) => sent.push(message));
    const second = calls.call('sync:status', {}, (message) => sent.push(message));
    expect(sent.map((message) => message.t === 'call' && message.channel)).toEqual(['settings:get', 'sync:status']);
    const [a, b] = sent.map((message) => (message.t === 'call' ? message.id : -1));
    expect(a).not.toBe(b);

    expect(calls.take({ t: 'result', id: b!, result: { ok: true, value: 'second' } })).toBe(true);
    expect(calls.take({ t: 'result', id: 999, result: { ok: true, value: 'nobody' } })).toBe(true);
    expect(calls.take({ t: 'result', id: a!, result: { ok: false, error: { code: 'not_signed_in', message: 'Inicie sesión primero.' } } })).toBe(true);
    await expect(second).resolves.toEqual({ ok: true, value: 'second' });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'not_signed_in', message: 'Inicie sesión primero.' } });
    expect(calls.pending).toBe(0);
  });

  it('gives each event to its listeners until they stop, and leaves storage traffic to the caller', () => {
    const calls = new ClientCalls();
    const heard: unknown[] = [];
    const stop = calls.on('ticket:assigned', (value) => heard.push(value));
    const assigned = { ticketId: 't-1', reference: '2026-000001', subject: 'Vado' };
    expect(calls.take({ t: 'event', event: 'ticket:assigned', value: assigned })).toBe(true);
    calls.emit('ticket:assigned', { ...assigned, ticketId: 't-2' });
    stop();
    calls.take({ t: 'event', event: 'ticket:assigned', value: assigned });
    expect(heard).toEqual([assigned, { ...assigned, ticketId: 't-2' }]);
    expect(calls.take({ t: 'storage-closed', channel: 1, reason: 'signed out' })).toBe(false);
  });

  it('answers "unreachable" when the message cannot be sent, when the connection ends, or past the deadline', async () => {
    const timers = manualTimers();
    const calls = new ClientCalls({ deadline: { ms: 1_000, start: timers.start } });
    await expect(
      calls.call('settings:get', {}, () => {
        throw new Error('the port is closed');
      }),
    ).resolves.toEqual({ ok: false, error: { code: 'server_unreachable', message: 'the port is closed' } });
    expect(timers.running).toBe(0);

    const slow = calls.call('settings:get', {}, () => undefined);
    timers.fire();
    await expect(slow).resolves.toEqual({ ok: false, error: { code: 'server_unreachable', message: 'the workstation service did not answer settings:get in time' } });

    const waiting = [calls.call('settings:get', {}, () => undefined), calls.call('sync:status', {}, () => undefined)];
    calls.failAll('the service stopped');
    await expect(Promise.all(waiting)).resolves.toEqual([0, 1].map(() => ({ ok: false, error: { code: 'server_unreachable', message: 'the service stopped' } })));
    expect({ pending: calls.pending, timers: timers.running }).toEqual({ pending: 0, timers: 0 });
  });
});

describe('reading what the service sent', () => {
  it('takes the protocol and nothing else', () => {
    expect(parseServiceMessage(JSON.stringify({ t: 'result', id: 1, result: { ok: true, value: null } }))).toEqual({ t: 'result', id: 1, result: { ok: true, value: null } });
    for (const text of ['not json', 'null', JSON.stringify({ t: 'event', event: 'sync:status' }), JSON.stringify({ t: 'call', id: 1 })]) expect(parseServiceMessage(text), text).toBeUndefined();
  });
});

// The shell's own connection to the service: events to their listeners, calls answered by id,
// and never a hang or a throw when the service is slow or gone.
import { describe, expect, it, vi } from 'vitest';
import type { TicketEscalation } from '../../core/app-api';
import { wireNotifications } from './notifications';
import { ShellServiceClient } from './service-port-client';

describe("the shell's connection to the workstation service", () => {
  it('gives each event to its listeners, and ignores what is not a service message', () => {
    const client = new ShellServiceClient({ post: () => undefined });
    const heard: unknown[] = [];
    const stop = client.onEvent('ticket:assigned', (value) => heard.push(value));
    client.receive(JSON.stringify({ t: 'event', event: 'ticket:assigned', value: { ticketId: 't-1', reference: '2026-000001', subject: 'Vado' } }));
    client.receive('not json');
    client.receive(JSON.stringify({ t: 'event', event: 'sync:status' }));
    stop();
    client.receive(JSON.stringify({ t: 'event', event: 'ticket:assigned', value: { ticketId: 't-2', reference: '2026-000002', subject: 'Otro' } }));
    expect(heard).toEqual([{ ticketId: 't-1', reference: '2026-000001', subject: 'Vado' }]);
  });

  it('answers a call with the result of the same id', async () => {
    const sent: { id: number; channel: string }[] = [];
    const client = new ShellServiceClient({ post: (text) => sent.push(JSON.parse(text) as { id: number; channel: string }) });
    const answer = client.call('settings:get', {});
    expect(sent).toEqual([expect.objectContaining({ t: 'call', channel: 'settings:get', arg: {} })]);
    client.receive(JSON.stringify({ t: 'result', id: sent[0]!.id + 1, result: { ok: true, value: { language: 'es' } } }));
    client.receive(JSON.stringify({ t: 'result', id: sent[0]!.id, result: { ok: true, value: { language: 'en' } } }));
    await expect(answer).resolves.toEqual({ ok: true, value: { language: 'en' } });
  });

  it('answers "unreachable" when the service does not answer in time, or the connection has closed', async () => {
    vi.useFakeTimers();
    try {
      const client = new ShellServiceClient({ post: () => undefined, timeoutMs: 1_000 });
      const slow = client.call('settings:get', {});
      vi.advanceTimersByTime(1_000);
      await expect(slow).resolves.toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
      const pending = client.call('settings:get', {});
      client.close('the service stopped');
      await expect(pending).resolves.toEqual({ ok: false, error: { code: 'server_unreachable', message: 'the service stopped' } });
      await expect(client.call('settings:get', {})).resolves.toMatchObject({ ok: false });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('wiring the notifications', () => {
  const summary: TicketEscalation = { level: 'near', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 4 };

  function fakes(settings: { ok: true; value: { language: 'es' | 'en' } } | { ok: false; error: { code: 'internal'; message: string } }, supported = true) {
    const client = new ShellServiceClient({ post: () => undefined });
    client.call = (() => Promise.resolve(settings)) as ShellServiceClient['call'];
    const shown: { title: string; click: () => void }[] = [];
    const opened: string[] = [];
    wireNotifications(client, {
      create: (options) => {
        const listeners: (() => void)[] = [];
        return { show: () => shown.push({ title: options.title, click: () => listeners.forEach((listener) => listener()) }), on: (_event, listener) => listeners.push(listener) };
      },
      isSupported: () => supported,
      open: (route) => opened.push(route),
    });
    const emit = (event: string, value: unknown) => client.receive(JSON.stringify({ t: 'event', event, value }));
    return { shown, opened, emit };
  }

  it('opens the supervisor’s queues from a summary, and the ticket from an assignment', async () => {
    const { shown, opened, emit } = fakes({ ok: true, value: { language: 'es' } });
    emit('ticket:escalated', summary);
    emit('ticket:assigned', { ticketId: 't 1', reference: '2026-000001', subject: 'Vado' });
    await vi.waitFor(() => expect(shown).toHaveLength(2));
    expect(shown.map((entry) => entry.title)).toEqual(['4 expedientes a punto de vencer en Urbanismo', 'Se le ha asignado el expediente 2026-000001']);
    shown.forEach((entry) => entry.click());
    expect(opened).toEqual(['supervisor', 'ticket/t%201']);
  });

  it('writes in Spanish when the service cannot say the clerk’s language, and shows nothing where the OS has no notifications', async () => {
    const spanish = fakes({ ok: false, error: { code: 'internal', message: 'no' } });
    spanish.emit('ticket:escalated', summary);
    await vi.waitFor(() => expect(spanish.shown.map((entry) => entry.title)).toEqual(['4 expedientes a punto de vencer en Urbanismo']));

    const none = fakes({ ok: true, value: { language: 'en' } }, false);
    none.emit('ticket:escalated', summary);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(none.shown).toEqual([]);
  });
});

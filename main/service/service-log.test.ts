// The screens' lines in the service's log (`log:write`): checked and size-limited at the service,
// one line each that a screen cannot forge, and rate-limited per connection and in total so that
// a screen in a loop can neither flood the log nor silence another window — what is dropped is
// counted and said, once.
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { AppService } from '../host/app-service';
import { createScreenLogs, type ScreenLogOptions } from './service-log';

function screenLogsAt(budgets: Partial<ScreenLogOptions> = {}, start = Date.UTC(2026, 10, 28, 9)) {
  const lines: string[] = [];
  let now = start;
  const logs = createScreenLogs({ write: (line) => lines.push(line), clock: () => now, burst: 3, perMinute: 6, totalBurst: 100, totalPerMinute: 600, ...budgets });
  return { logs, lines, advance: (ms: number) => (now += ms) };
}

function screenLogAt() {
  const { logs, ...rest } = screenLogsAt();
  return { log: logs.open(), ...rest };
}

const line = (message: string) => ({ level: 'error' as const, source: 'Inbox', message });

describe("the screens' lines in the service's log", () => {
  it('writes one line with the level, where it came from, the route and the stack on it', () => {
    const { log, lines } = screenLogAt();
    expect(log.write({ level: 'error', source: 'deadlines', message: 'No due date for department urbanismo', route: '#/ticket/t-1', stack: 'Error: boom\n    at dueDateFor (deadlines.ts:20:5)\n    at File (QuickContactDialog.tsx:80:3)' })).toEqual({ logged: true });
    expect(lines).toEqual(['screen error [deadlines] No due date for department urbanismo at #/ticket/t-1 stack: Error: boom | at dueDateFor (deadlines.ts:20:5) | at File (QuickContactDialog.tsx:80:3)']);
  });

  it('keeps a line on one line, so a screen cannot forge lines of the service', () => {
    const { log, lines } = screenLogAt();
    log.write({ level: 'warn', source: 'Inbox\n2026-11-28T09:00:00Z signed in: admin', message: 'first\r\n2026-11-28T09:00:00Z sync state=online\u2028x', repeated: 4 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n\u2028]/);
    expect(lines[0]).toContain('(×4)');
  });

  it('drops what goes past the rate, and says how many were dropped once lines are taken again', () => {
    const { log, lines, advance } = screenLogAt();
    const answers = Array.from({ length: 50 }, (_, i) => log.write({ level: 'error', source: 'Inbox', message: `render loop ${i}` }).logged);
    expect(answers.filter(Boolean)).toHaveLength(3);
    expect(lines).toHaveLength(3);

    advance(10_000); // six a minute: one more line after ten seconds
    expect(log.write({ level: 'error', source: 'Inbox', message: 'after the loop' })).toEqual({ logged: true });
    expect(lines.slice(3)).toEqual([expect.stringMatching(/^screen warn \[screen-log\] 47 line\(s\) of the screens dropped since 2026-11-28T09:00:00.000Z: more than 6 a minute from one connection$/), 'screen error [Inbox] after the loop']);
  });

  it("gives each connection its own budget, so a window in a loop does not silence another's errors", () => {
    const { logs, lines } = screenLogsAt();
    const noisy = logs.open(1);
    const quiet = logs.open(2);
    for (let i = 0; i < 50; i++) noisy.write(line(`render loop ${i}`));
    expect(quiet.write(line('No due date for department urbanismo'))).toEqual({ logged: true });
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toBe('screen error [Inbox] No due date for department urbanismo (connection 2)');
  });

  it('says what a connection dropped in one line when it closes, and only once', () => {
    const { logs, lines } = screenLogsAt();
    const noisy = logs.open(7);
    for (let i = 0; i < 10; i++) noisy.write(line(`render loop ${i}`));
    noisy.close();
    noisy.close();
    expect(lines.slice(3)).toEqual([expect.stringMatching(/^screen warn \[screen-log\] 7 line\(s\) of the screens dropped since .* \(connection 7\): more than 6 a minute from one connection$/)]);

    // A connection that dropped nothing closes without a word.
    const calm = logs.open(8);
    calm.write(line('one'));
    calm.close();
    expect(lines.at(-1)).toBe('screen error [Inbox] one (connection 8)');
  });

  it('bounds all connections together, and says once how many lines of how many connections that dropped', () => {
    const { logs, lines, advance } = screenLogsAt({ totalBurst: 5, totalPerMinute: 6 });
    // Many connections, each within its own budget (as a page holding the secret could open).
    const connections = Array.from({ length: 4 }, (_, i) => logs.open(i + 1));
    const answers = connections.flatMap((connection) => [1, 2, 3].map((n) => connection.write(line(`line ${n}`)).logged));
    expect(answers.filter(Boolean)).toHaveLength(5);
    // Lines the total dropped are not the connection's own: closing says nothing of them…
    connections[3]!.close();
    expect(lines).toHaveLength(5);

    // …the next line that gets through does, for all of them.
    advance(10_000);
    expect(connections[2]!.write(line('after the flood'))).toEqual({ logged: true });
    expect(lines.slice(5)).toEqual([expect.stringMatching(/^screen warn \[screen-log\] 7 line\(s\) of the screens dropped since .* from 3 connection\(s\): more than 6 a minute from all of them$/), 'screen error [Inbox] after the flood (connection 3)']);
  });

  it("does not spend the others' total on lines over a connection's own budget", () => {
    const { logs, lines } = screenLogsAt({ burst: 2, totalBurst: 4, totalPerMinute: 6 });
    const noisy = logs.open(1);
    for (let i = 0; i < 100; i++) noisy.write(line(`render loop ${i}`));
    const other = logs.open(2);
    expect([other.write(line('a')), other.write(line('b'))]).toEqual([{ logged: true }, { logged: true }]);
    expect(lines.filter((text) => text.endsWith('(connection 2)'))).toHaveLength(2);
  });
});

/** Runs `test` against a workstation service without a session, whose log fills `lines`; stops and removes it after. */
async function withService(test: (service: AppService, lines: string[]) => Promise<void>): Promise<void> {
  const made = temporaryFolder('ventanilla-screen-log-');
  const lines: string[] = [];
  const service = new AppService({ dataDir: made.folder, mail: false, log: (text) => lines.push(text) });
  try {
    await test(service, lines);
  } finally {
    await service.stop();
    made.remove();
  }
}

/** A screen's connection to `service`: sends log lines, resolves with the service's answers. */
function screenConnection(service: AppService) {
  const answers = new Map<number, (result: unknown) => void>();
  const connection = service.connect({
    send: (text) => {
      const message = JSON.parse(text) as { t: string; id: number; result: unknown };
      if (message.t === 'result') answers.get(message.id)?.(message.result);
    },
    close: () => undefined,
  });
  let id = 0;
  const write = (message: string) =>
    new Promise<unknown>((resolve) => {
      answers.set(++id, resolve);
      connection.receive(JSON.stringify({ t: 'call', id, channel: 'log:write', arg: { level: 'error', source: 'Inbox', message } }));
    });
  return { write, closed: () => connection.closed() };
}

describe('the log:write channel of the app API', () => {
  it("takes a screen's line without a session and writes it to the service's log", () =>
    withService(async (service, lines) => {
      expect(await service.call('log:write', { level: 'error', source: 'window', message: 'TypeError: x is undefined' })).toEqual({ ok: true, value: { logged: true } });
      expect(lines).toContain('screen error [window] TypeError: x is undefined');
    }));

  it('keeps a budget per connection of the service, and says what a closed connection dropped', () =>
    withService(async (service, lines) => {
      const noisy = screenConnection(service);
      const quiet = screenConnection(service);
      const noisyAnswers = await Promise.all(Array.from({ length: 25 }, (_, i) => noisy.write(`render loop ${i}`)));
      expect(noisyAnswers.filter((answer) => (answer as { value: { logged: boolean } }).value.logged)).toHaveLength(20);
      expect(await quiet.write('TypeError: x is undefined')).toEqual({ ok: true, value: { logged: true } });
      expect(lines).toContain('screen error [Inbox] TypeError: x is undefined (connection 2)');
      noisy.closed();
      expect(lines.filter((text) => text.startsWith('screen warn [screen-log]'))).toEqual([expect.stringMatching(/^screen warn \[screen-log\] 5 line\(s\) of the screens dropped since .* \(connection 1\): more than 30 a minute from one connection$/)]);
    }));

  it('refuses a line that is too long, of an unknown level, or with fields of its own', () =>
    withService(async (service, lines) => {
      for (const arg of [
        { level: 'error', source: 'Inbox', message: 'x'.repeat(2_001) },
        { level: 'error', source: 'Inbox', message: 'ok', stack: 's'.repeat(8_001) },
        { level: 'fatal', source: 'Inbox', message: 'ok' },
        { level: 'error', source: '', message: 'ok' },
        { level: 'error', source: 'Inbox', message: 'ok', user: 'admin' },
      ]) {
        expect(await service.call('log:write', arg)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      expect(lines.filter((line) => line.startsWith('screen '))).toEqual([]);
    }));
});

// The screens' lines in the service's log (`log:write`): checked and size-limited at the service,
// one line each that a screen cannot forge, and rate-limited so that a screen in a loop cannot
// flood the log — what is dropped is counted and said.
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { AppService } from '../host/app-service';
import { createScreenLog } from './service-log';

function screenLogAt(start = Date.UTC(2026, 10, 28, 9)) {
  const lines: string[] = [];
  let now = start;
  const log = createScreenLog({ write: (line) => lines.push(line), clock: () => now, burst: 3, perMinute: 6 });
  return { log, lines, advance: (ms: number) => (now += ms) };
}

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
    expect(lines.slice(3)).toEqual([expect.stringMatching(/^screen warn \[screen-log\] 47 line\(s\) of the screens dropped since 2026-11-28T09:00:00.000Z: more than 6 a minute$/), 'screen error [Inbox] after the loop']);
  });
});

describe('the log:write channel of the app API', () => {
  it("takes a screen's line without a session and writes it to the service's log", async () => {
    const made = temporaryFolder('ventanilla-screen-log-');
    const lines: string[] = [];
    const service = new AppService({ dataDir: made.folder, mail: false, log: (line) => lines.push(line) });
    try {
      expect(await service.call('log:write', { level: 'error', source: 'window', message: 'TypeError: x is undefined' })).toEqual({ ok: true, value: { logged: true } });
      expect(lines).toContain('screen error [window] TypeError: x is undefined');
    } finally {
      await service.stop();
      made.remove();
    }
  });

  it('refuses a line that is too long, of an unknown level, or with fields of its own', async () => {
    const made = temporaryFolder('ventanilla-screen-log-');
    const lines: string[] = [];
    const service = new AppService({ dataDir: made.folder, mail: false, log: (line) => lines.push(line) });
    try {
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
    } finally {
      await service.stop();
      made.remove();
    }
  });
});

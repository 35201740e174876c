// The screens' logger: lines reach the service (once attached, those written before too), the
// same line in a loop is folded into one with its count, a flood is cut to a rate, and the
// page's uncaught errors and unhandled rejections are reported.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScreenLogEntry } from '../../core/app-api';
import { createScreenLogger, reportUncaughtErrors } from './screen-log';

afterEach(() => {
  vi.useRealTimers();
});

function logger(options: Parameters<typeof createScreenLogger>[0] = {}) {
  const sent: ScreenLogEntry[] = [];
  const log = createScreenLogger({ route: () => '#/inbox/mine', ...options });
  return { log, sent, attach: () => log.attach((entry) => sent.push(entry)) };
}

describe("the screens' logger", () => {
  it('sends a line with its source, route and stack, cut to the sizes the service takes', () => {
    const { log, sent, attach } = logger();
    attach();
    const error = new Error('boom');
    log.error('Inbox', 'x'.repeat(5_000), error);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ level: 'error', source: 'Inbox', route: '#/inbox/mine', stack: expect.stringContaining('boom') });
    expect(sent[0]!.message).toHaveLength(2_000);
  });

  it('keeps the lines written before it is attached, and sends them then', () => {
    const { log, sent, attach } = logger();
    log.warn('deadlines', 'before the platform');
    expect(sent).toEqual([]);
    attach();
    expect(sent).toEqual([expect.objectContaining({ level: 'warn', message: 'before the platform' })]);
  });

  it('folds the same line repeated in a loop into one, sent with its count when the fold ends', () => {
    vi.useFakeTimers();
    const { log, sent, attach } = logger({ clock: () => Date.now(), foldMs: 10_000 });
    attach();
    for (let i = 0; i < 500; i++) log.error('TicketView', 'cannot read the timeline');
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ message: 'cannot read the timeline', repeated: 499 });
  });

  it('cuts a flood of different lines to its rate, and says how many it did not send', () => {
    let now = 0;
    const { log, sent, attach } = logger({ clock: () => now, burst: 5, perMinute: 6 });
    attach();
    for (let i = 0; i < 100; i++) log.error('Inbox', `row ${i} failed`);
    expect(sent).toHaveLength(5);
    now += 10_000;
    log.error('Inbox', 'the next one');
    expect(sent.slice(5)).toEqual([
      expect.objectContaining({ level: 'warn', source: 'screen-log', message: '95 line(s) not sent: more than 6 a minute' }),
      expect.objectContaining({ message: 'the next one' }),
    ]);
  });

  it('never throws at the screen when the transport fails', async () => {
    const log = createScreenLogger({ route: () => undefined });
    log.attach(() => Promise.reject(new Error('the service is gone')));
    expect(() => log.error('Inbox', 'lost')).not.toThrow();
    log.attach(() => {
      throw new Error('no connection');
    });
    expect(() => log.error('Inbox', 'lost again')).not.toThrow();
    await Promise.resolve();
  });

  it("reports the page's uncaught errors and unhandled rejections, but not Chromium's ResizeObserver notice", () => {
    const { log, sent, attach } = logger();
    attach();
    const page = new EventTarget();
    const stop = reportUncaughtErrors(page as unknown as Window, log);
    const error = new TypeError("Cannot read properties of undefined (reading 'subject')");
    page.dispatchEvent(Object.assign(new Event('error'), { error, message: error.message, filename: 'app://ventanilla/assets/index.js', lineno: 10, colno: 4 }));
    page.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'the service did not answer' }));
    page.dispatchEvent(Object.assign(new Event('error'), { error: null, message: 'ResizeObserver loop completed with undelivered notifications.' }));
    stop();
    page.dispatchEvent(Object.assign(new Event('error'), { error, message: error.message }));

    expect(sent).toEqual([
      expect.objectContaining({ source: 'uncaught', message: "TypeError: Cannot read properties of undefined (reading 'subject') (app://ventanilla/assets/index.js:10:4)", stack: expect.stringContaining('TypeError') }),
      expect.objectContaining({ source: 'unhandled-rejection', message: 'the service did not answer' }),
    ]);
  });
});

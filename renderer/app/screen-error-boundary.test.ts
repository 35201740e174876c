// A screen that fails to render: caught, its error and component stack in the service's log (via
// the screens' logger).
import { describe, expect, it } from 'vitest';
import type { ScreenLogEntry } from '../../core/app-api';
import { createScreenLogger } from '../platform/screen-log';
import { ScreenErrorBoundary, isChunkLoadError } from './ScreenErrorBoundary';

describe('a screen that fails to render', () => {
  it('is replaced by the failure panel and logged with its component stack', () => {
    const sent: ScreenLogEntry[] = [];
    const logger = createScreenLogger({ route: () => '#/ticket/t-1' });
    logger.attach((entry) => sent.push(entry));
    const boundary = new ScreenErrorBoundary({ screen: 'ticket', children: 'the ticket', onHome: () => undefined, logger });

    expect(boundary.render()).toBe('the ticket');
    expect(ScreenErrorBoundary.getDerivedStateFromError(new TypeError('x'))).toEqual({ failed: true, chunkMissing: false });
    boundary.componentDidCatch(new TypeError("Cannot read properties of undefined (reading 'subject')"), { componentStack: '\n    at Timeline\n    at TicketView' });

    expect(sent).toEqual([
      expect.objectContaining({
        level: 'error',
        source: 'screen:ticket',
        message: "the screen failed to render: TypeError: Cannot read properties of undefined (reading 'subject')",
        route: '#/ticket/t-1',
        stack: expect.stringMatching(/TypeError[\s\S]*component stack:\n {4}at Timeline\n {4}at TicketView/),
      }),
    ]);
  });

  it('offers to reload the app when the screen’s code could not be fetched, which no retry in place can fix', () => {
    const missing = new TypeError('Failed to fetch dynamically imported module: http://127.0.0.1:4780/assets/Supervisor-abc.js');
    expect(isChunkLoadError(missing)).toBe(true);
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isChunkLoadError(new TypeError("Cannot read properties of undefined (reading 'subject')"))).toBe(false);
    expect(ScreenErrorBoundary.getDerivedStateFromError(missing)).toEqual({ failed: true, chunkMissing: true });
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE, formatRoute, parseRoute } from './routes';

describe('routes', () => {
  it('reads back every route it writes', () => {
    const routes = [
      { screen: 'inbox', view: 'overdue', params: new URLSearchParams('status=open&channel=phone') },
      { screen: 'ticket', ticketId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
      { screen: 'citizen', citizenId: 'abc' },
      { screen: 'supervisor' },
    ] as const;
    for (const route of routes) {
      const back = parseRoute(formatRoute(route));
      expect(formatRoute(back)).toBe(formatRoute(route));
    }
  });

  it('goes to the clerk\'s own tickets when the address means nothing', () => {
    for (const hash of ['', '#/', '#/inbox/everything', '#/ticket/', '#/ticket/<script>', '#/nowhere']) {
      expect(parseRoute(hash), hash).toEqual(DEFAULT_ROUTE);
    }
  });
});

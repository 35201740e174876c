// Where the clerk is, as the URL's hash: '#/inbox/mine?status=open', '#/ticket/<id>',
// '#/citizen/<id>', '#/supervisor', '#/rules'. A hash works the same from the web host and from Electron's
// file, survives a reload, and gives the browser's back button to Esc for free.
import { INBOX_VIEWS, type InboxView } from '../data/inbox-queries';

export type Route =
  | { screen: 'inbox'; view: InboxView; params: URLSearchParams }
  | { screen: 'ticket'; ticketId: string }
  | { screen: 'citizen'; citizenId: string }
  | { screen: 'supervisor' }
  | { screen: 'rules' }
  | { screen: 'mail-settings' };

export const DEFAULT_ROUTE: Route = { screen: 'inbox', view: 'mine', params: new URLSearchParams() };

const ID = /^[A-Za-z0-9._:-]{1,40}$/;

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [screen, arg] = parts;
  if (screen === 'inbox' && arg && (INBOX_VIEWS as readonly string[]).includes(arg)) {
    return { screen: 'inbox', view: arg as InboxView, params: new URLSearchParams(query) };
  }
  if (screen === 'ticket' && arg && ID.test(arg)) return { screen: 'ticket', ticketId: arg };
  if (screen === 'citizen' && arg && ID.test(arg)) return { screen: 'citizen', citizenId: arg };
  if (screen === 'supervisor') return { screen: 'supervisor' };
  if (screen === 'rules') return { screen: 'rules' };
  if (screen === 'settings' && arg === 'mail') return { screen: 'mail-settings' };
  return DEFAULT_ROUTE;
}

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'inbox': {
      const query = route.params.toString();
      return `#/inbox/${route.view}${query ? `?${query}` : ''}`;
    }
    case 'ticket':
      return `#/ticket/${encodeURIComponent(route.ticketId)}`;
    case 'citizen':
      return `#/citizen/${encodeURIComponent(route.citizenId)}`;
    case 'supervisor':
      return '#/supervisor';
    case 'rules':
      return '#/rules';
    case 'mail-settings':
      return '#/settings/mail';
  }
}

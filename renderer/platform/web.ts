// The platform in a browser, over the web host's WebSocket (main/host/web-host.ts). The page
// gets the host's per-start secret in its URL fragment (`#secret=…`), keeps it in this tab's
// sessionStorage (a reload keeps working, another tab or site never sees it), takes it out of
// the address bar, and offers it as a WebSocket subprotocol: a query string would end up in logs.
import { SECRET_SUBPROTOCOL_PREFIX, WEB_SUBPROTOCOL } from '../../core/app-api/protocol';
import type { Platform } from './platform';
import { isExternalUrl, platformOver, ServiceClient, type WireOpener } from './service-client';

const SECRET_KEY = 'ventanilla.web-host.secret';

/** The secret from the fragment (kept for reloads), or the one kept earlier in this tab. */
export function takeSecret(location: Location, storage: Storage, history: History): string | undefined {
  const match = /(?:^#|&)secret=([0-9a-f]{16,128})(?:&|$)/.exec(location.hash);
  if (match) {
    storage.setItem(SECRET_KEY, match[1]!);
    history.replaceState(history.state, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(SECRET_KEY) ?? undefined;
}

export function webSocketOpener(url: string, secret: string): WireOpener {
  return (events) =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, [WEB_SUBPROTOCOL, `${SECRET_SUBPROTOCOL_PREFIX}${secret}`]);
      let open = false;
      socket.onopen = () => {
        open = true;
        resolve({ send: (text) => socket.send(text), close: () => socket.close() });
      };
      socket.onmessage = (event) => {
        if (typeof event.data === 'string') events.message(event.data);
      };
      socket.onclose = (event) => {
        if (open) events.closed(event.reason || `closed (${event.code})`);
        else reject(new Error(`the web host refused the connection (${event.code})`));
      };
    });
}

/** The web platform of this page; undefined when the page was opened without the host's secret. */
export function connectWebPlatform(win: Window = window): Platform | undefined {
  const secret = takeSecret(win.location, win.sessionStorage, win.history);
  if (!secret) return undefined;
  const url = `${win.location.protocol === 'https:' ? 'wss' : 'ws'}://${win.location.host}/ws`;
  const client = new ServiceClient(webSocketOpener(url, secret));
  void client.connect();
  return platformOver(client, 'web', (target) => {
    if (isExternalUrl(target)) win.open(target, '_blank', 'noopener,noreferrer');
  }) satisfies Platform;
}

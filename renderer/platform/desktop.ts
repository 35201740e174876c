// The platform in the Electron app, over the preload's bridge (preload/index.ts): the same
// protocol as the web host, carried by a MessagePort straight to the workstation service.
import { DESKTOP_BRIDGE_GLOBAL, type DesktopBridge } from '../../core/app-api/bridge';
import type { Platform } from './platform';
import { platformOver, ServiceClient, type WireOpener } from './service-client';

export function bridgeOpener(bridge: DesktopBridge): WireOpener {
  return async (events) => {
    const connection = await bridge.connect(events.message, events.closed);
    return { send: (text) => bridge.send(connection, text), close: () => bridge.disconnect(connection) };
  };
}

/** The desktop platform; undefined outside Electron (no bridge on `window`). */
export function connectDesktopPlatform(win: Window = window): Platform | undefined {
  const bridge = (win as unknown as Record<string, DesktopBridge | undefined>)[DESKTOP_BRIDGE_GLOBAL];
  if (!bridge || bridge.version !== 1) return undefined;
  const client = new ServiceClient(bridgeOpener(bridge));
  void client.connect();
  return platformOver(client, 'desktop', (url) => bridge.openExternal(url)) satisfies Platform;
}

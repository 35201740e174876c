// The contextBridge: one object, `window.ventanilla`, built from an explicit list and checked
// against core's DesktopBridge with `satisfies` (STYLE.md). The page never gets ipcRenderer, a
// generic send, or a MessagePort: only functions that pass JSON text to the workstation service
// over a port the main process made for this window. Runs sandboxed (no Node).
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_IPC, DESKTOP_BRIDGE_GLOBAL, type DesktopBridge } from '../core/app-api/bridge';

type Connection = { port: MessagePort; onClose: (reason: string) => void };

const connections = new Map<number, Connection>();
let nextConnection = 1;
/** Connections asked for and not yet given their port: the main process answers in order. */
const waiting: ((port: MessagePort) => void)[] = [];

ipcRenderer.on(BRIDGE_IPC.port, (event) => {
  const port = event.ports[0];
  const give = waiting.shift();
  if (port && give) give(port);
  else port?.close();
});

const bridge = {
  version: 1,
  connect(onMessage: (text: string) => void, onClose: (reason: string) => void): Promise<number> {
    return new Promise((resolve) => {
      waiting.push((port) => {
        const id = nextConnection++;
        connections.set(id, { port, onClose });
        port.onmessage = (message: MessageEvent) => {
          if (typeof message.data === 'string') onMessage(message.data);
        };
        // A port whose other end is gone (the service crashed) says nothing by itself in Chromium;
        // the 'close' event arrives where supported.
        port.addEventListener('close', () => {
          if (connections.delete(id)) onClose('the workstation service closed the connection');
        });
        port.start();
        resolve(id);
      });
      ipcRenderer.send(BRIDGE_IPC.connect);
    });
  },
  send(connection: number, text: string): void {
    if (typeof text !== 'string') return;
    connections.get(connection)?.port.postMessage(text);
  },
  disconnect(connection: number): void {
    const held = connections.get(connection);
    if (!held) return;
    connections.delete(connection);
    held.port.close();
    held.onClose('closed by the page');
  },
  openExternal(url: string): void {
    if (typeof url === 'string') ipcRenderer.send(BRIDGE_IPC.openExternal, url);
  },
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_GLOBAL, bridge);

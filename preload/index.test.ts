// The preload exposes one object, from an explicit list, and nothing that could reach Electron or
// Node: tested with stand-ins for contextBridge and ipcRenderer (no Electron binary here).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_IPC, DESKTOP_BRIDGE_GLOBAL, type DesktopBridge } from '../core/app-api/bridge';

const exposed = new Map<string, unknown>();
const sent: { channel: string; args: unknown[] }[] = [];
const ipcListeners = new Map<string, (event: { ports: MessagePort[] }) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    on: (channel: string, listener: (event: { ports: MessagePort[] }) => void) => ipcListeners.set(channel, listener),
    send: (channel: string, ...args: unknown[]) => sent.push({ channel, args }),
  },
}));

let bridge: DesktopBridge;
beforeEach(async () => {
  vi.resetModules();
  exposed.clear();
  sent.length = 0;
  await import('./index');
  bridge = exposed.get(DESKTOP_BRIDGE_GLOBAL) as DesktopBridge;
});
afterEach(() => vi.clearAllMocks());

describe('the preload bridge', () => {
  it('exposes exactly one object with the listed functions, and no Electron or Node objects', () => {
    expect([...exposed.keys()]).toEqual([DESKTOP_BRIDGE_GLOBAL]);
    expect(Object.keys(bridge).sort()).toEqual(['connect', 'disconnect', 'openExternal', 'send', 'version']);
    for (const [key, value] of Object.entries(bridge)) expect(['function', 'number'], key).toContain(typeof value);
  });

  it('carries text both ways over the port the main process hands over, and ends on disconnect', async () => {
    const received: string[] = [];
    const closed: string[] = [];
    const connecting = bridge.connect((text) => received.push(text), (reason) => closed.push(reason));
    expect(sent).toEqual([{ channel: BRIDGE_IPC.connect, args: [] }]);
    const { port1, port2 } = new MessageChannel();
    ipcListeners.get(BRIDGE_IPC.port)!({ ports: [port1] });
    const connection = await connecting;

    const atService: unknown[] = [];
    port2.onmessage = (event) => atService.push(event.data);
    bridge.send(connection, '{"t":"call"}');
    bridge.send(connection, { not: 'text' } as unknown as string);
    port2.postMessage('{"t":"result"}');
    await vi.waitFor(() => expect(received).toEqual(['{"t":"result"}']));
    await vi.waitFor(() => expect(atService).toEqual(['{"t":"call"}']));

    bridge.disconnect(connection);
    expect(closed).toEqual(['closed by the page']);
    port2.close();
  });

  it('asks the main process to open external links, which checks them again', () => {
    bridge.openExternal('https://sede.ayto.example/');
    bridge.openExternal(42 as unknown as string);
    expect(sent).toEqual([{ channel: BRIDGE_IPC.openExternal, args: ['https://sede.ayto.example/'] }]);
  });
});

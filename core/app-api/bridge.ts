// What the Electron preload exposes to the screens (`window.ventanilla`), the one object of
// STYLE.md's "The preload exposes one object built from an explicit list". It carries the same
// protocol as the web host's WebSocket (./protocol.ts) over a MessagePort to the workstation
// service, so renderer/platform/desktop.ts and web.ts differ only in their wire.
export type DesktopBridge = {
  readonly version: 1;
  /**
   * Opens a connection to the workstation service. Resolves with its number once the port is
   * there; `onMessage` gets each message (JSON text), `onClose` the end of the connection.
   */
  connect(onMessage: (text: string) => void, onClose: (reason: string) => void): Promise<number>;
  send(connection: number, text: string): void;
  disconnect(connection: number): void;
  /** Opens an http, https or mailto link in the system's browser or mail program; nothing else. */
  openExternal(url: string): void;
};

/** The name of the global the preload defines with contextBridge. */
export const DESKTOP_BRIDGE_GLOBAL = 'ventanilla';

/** IPC channel names between the preload and the Electron main process. */
export const BRIDGE_IPC = {
  /** preload → main: "give this window a new port to the service" (the answer is a `port` message). */
  connect: 'ventanilla:service-connect',
  /** main → preload: the port, transferred. */
  port: 'ventanilla:service-port',
  /** preload → main: open an external link (main checks it again). */
  openExternal: 'ventanilla:open-external',
} as const;

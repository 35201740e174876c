// The screens need no camera, microphone, location, notifications permission (notifications are
// the main process's), clipboard reading, MIDI, USB… so every permission request and check is
// answered "no". https://www.electronjs.org/docs/latest/tutorial/security#5-handle-session-permission-requests-from-remote-content
import type { Session } from 'electron';

export function denyPermissionRequest(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

export function denyPermissionCheck(): boolean {
  return false;
}

export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(() => false);
}

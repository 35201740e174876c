// Every window of the app gets its web preferences here and nowhere else (STYLE.md, "Security as
// named units"; Electron's security checklist: https://www.electronjs.org/docs/latest/tutorial/security).
// The screens are a web page that shows mail from strangers: they get no Node, no Electron, no
// <webview>, and a preload that can only pass messages (preload/index.ts).
import type { WebPreferences } from 'electron';

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    // The renderer's process is sandboxed by the OS; the preload runs sandboxed too.
    sandbox: true,
    // The preload's world and the page's are separate: the page sees only what contextBridge exposes.
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // Spell checking would send words to a dictionary service in some configurations; clerks type citizens' data.
    spellcheck: false,
    navigateOnDragDrop: false,
  };
}

/** The settings no window may ever weaken; checked again when a window is created (defence in depth). */
export function insecurePreferences(preferences: WebPreferences): string[] {
  const problems: string[] = [];
  if (preferences.sandbox !== true) problems.push('sandbox must be on');
  if (preferences.contextIsolation !== true) problems.push('contextIsolation must be on');
  if (preferences.nodeIntegration !== false) problems.push('nodeIntegration must be off');
  if (preferences.nodeIntegrationInSubFrames === true) problems.push('nodeIntegrationInSubFrames must be off');
  if (preferences.nodeIntegrationInWorker === true) problems.push('nodeIntegrationInWorker must be off');
  if (preferences.webviewTag !== false) problems.push('webviewTag must be off');
  if (preferences.webSecurity === false) problems.push('webSecurity must be on');
  if (preferences.allowRunningInsecureContent === true) problems.push('allowRunningInsecureContent must be off');
  return problems;
}

// Single-key shortcuts (j, k, r, n, a, /, ?, Esc) that stay out of the way while the clerk types:
// a key pressed in a text field, a select or a dialog's input is the clerk's text, not a command.
import { useEffect, useRef } from 'react';

export type ShortcutMap = Partial<Record<string, (event: KeyboardEvent) => void>>;

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  // MUI's Select is a <div role="combobox">: not a text field, so j/k and Esc still work on it.
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** The key as the map names it: 'j', '/', '?', 'Escape', 'Enter', 'Alt+l'. */
function keyName(event: KeyboardEvent): string {
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  return event.altKey ? `Alt+${key}` : key === '?' || event.key === '?' ? '?' : key;
}

/**
 * Listens on the window while `enabled`. In a text field no shortcut fires: Escape leaves the
 * field (a second Escape is then the shortcut). Nothing fires with Ctrl or Meta (the browser's own
 * shortcuts), nor while a dialog, menu or list box is open (MUI modals handle their own Escape)
 * unless `inDialogs`.
 */
export function useShortcuts(map: ShortcutMap, enabled = true, inDialogs = false): void {
  const latest = useRef(map);
  latest.current = map;
  useEffect(() => {
    if (!enabled) return undefined;
    const listener = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.defaultPrevented) return;
      const name = keyName(event);
      if (!event.altKey && typingIn(event.target)) {
        if (name === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      // Keys pressed inside a dialog, menu or list box belong to it (MUI traps the focus there
      // while it is open, and gives it back when it closes).
      if (!inDialogs && event.target instanceof Element && event.target.closest('.MuiModal-root, [role="dialog"]')) return;
      const action = latest.current[name];
      if (action) {
        event.preventDefault();
        action(event);
      }
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [enabled, inDialogs]);
}

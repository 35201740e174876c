// Single-key shortcuts (j, k, Enter, r, n, a, t, /, ?, Esc) that stay out of the way: a key pressed in
// a text field is the clerk's text, Enter or Space on a focused link or button is that control's
// own (the link must be followed, the button pressed), and keys inside a dialog or menu belong to
// it. Whether a key press is a shortcut is decided by `decideShortcut`, a pure function with its
// own tests; the hook only reads the DOM and calls it.
import { useEffect, useRef } from 'react';

export type ShortcutMap = Partial<Record<string, (event: KeyboardEvent) => void>>;

/** What the decision needs of the focused element (the key press's target). */
export type FocusedElement = {
  /** Upper case, as the DOM gives it: 'A', 'BUTTON', 'INPUT'. */
  tagName: string;
  role: string | null;
  /** An `<input>`'s type (lower case); an `<a>`'s href presence. */
  inputType?: string;
  hasHref?: boolean;
  /** `isContentEditable`. */
  editable: boolean;
  /** Inside an open dialog or menu (MUI modals, `role="dialog"`, `"alertdialog"`, `"menu"`). */
  inPopup: boolean;
};

export type KeyPress = { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; defaultPrevented: boolean };

export type ShortcutDecision =
  /** Run the shortcut of this name, and prevent the key's default. */
  | { action: 'run'; name: string }
  /** Leave the text field (Escape in a text field): a second Escape is then the shortcut. */
  | { action: 'blur' }
  /** Not a shortcut: the focused element, or the browser, handles the key. */
  | { action: 'ignore' };

/** Input types that are not text: keys on them are not typed text (they are pressed or toggled). */
const NON_TEXT_INPUTS = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image']);

/** Roles of controls that Enter or Space activate (ARIA 1.2 widget roles). MUI's Select is a combobox. */
const ACTIVATED_ROLES = new Set(['button', 'link', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'checkbox', 'radio', 'switch', 'combobox', 'treeitem']);

/** Where keys are text: letters typed there must never run a command. */
function isTextEntry(focused: FocusedElement): boolean {
  if (focused.editable) return true;
  if (focused.role === 'textbox' || focused.role === 'searchbox') return true;
  if (focused.tagName === 'TEXTAREA' || focused.tagName === 'SELECT') return true;
  return focused.tagName === 'INPUT' && !NON_TEXT_INPUTS.has(focused.inputType ?? 'text');
}

/** A link, a button, or another control that Enter and Space activate. */
function isActivatedControl(focused: FocusedElement): boolean {
  if (focused.role !== null && ACTIVATED_ROLES.has(focused.role)) return true;
  if (focused.tagName === 'BUTTON' || focused.tagName === 'SUMMARY') return true;
  if (focused.tagName === 'A' && focused.hasHref === true) return true;
  return focused.tagName === 'INPUT' && NON_TEXT_INPUTS.has(focused.inputType ?? 'text');
}

/** The key as the map names it: 'j', '/', '?', 'Escape', 'Enter', ' ', 'Alt+l'. */
export function keyName(press: Pick<KeyPress, 'key' | 'altKey'>): string {
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  return press.altKey ? `Alt+${key}` : key;
}

/**
 * Whether a key press runs a shortcut of `map`. Nothing runs with Ctrl or Meta (the browser's and
 * the OS's own shortcuts) or once a handler took the key (`defaultPrevented`). In a text field no
 * plain key runs (Escape leaves the field); Alt combinations still do (Alt+L, a new call, while
 * writing a note). Inside a dialog or menu nothing runs unless `inDialogs` (the dialog's own
 * shortcuts). On a link, a button, a tab, a select…: Enter and Space are the control's own — the
 * browser follows the link or presses the button — and never a shortcut; other keys still are,
 * so `j` works after clicking a tab.
 */
export function decideShortcut(press: KeyPress, focused: FocusedElement | null, map: ShortcutMap, inDialogs = false): ShortcutDecision {
  if (press.ctrlKey || press.metaKey || press.defaultPrevented) return { action: 'ignore' };
  const name = keyName(press);
  if (focused && !press.altKey && isTextEntry(focused)) return name === 'Escape' ? { action: 'blur' } : { action: 'ignore' };
  if (focused?.inPopup && !inDialogs) return { action: 'ignore' };
  if (focused && (name === 'Enter' || name === ' ') && isActivatedControl(focused)) return { action: 'ignore' };
  return map[name] ? { action: 'run', name } : { action: 'ignore' };
}

/** Popups whose keys are their own. MUI traps the focus inside a modal while it is open. */
const POPUPS = '.MuiModal-root, [role="dialog"], [role="alertdialog"], [role="menu"], [role="menubar"]';

/** The DOM side of the decision: what the key press's target is. */
export function describeFocus(target: EventTarget | null): FocusedElement | null {
  if (!(target instanceof HTMLElement)) return null;
  return {
    tagName: target.tagName,
    role: target.getAttribute('role'),
    ...(target instanceof HTMLInputElement && { inputType: target.type.toLowerCase() }),
    ...(target instanceof HTMLAnchorElement && { hasHref: target.hasAttribute('href') }),
    editable: target.isContentEditable,
    inPopup: target.closest(POPUPS) !== null,
  };
}

/** Listens on the window while `enabled`; see `decideShortcut` for when a key is a shortcut. */
export function useShortcuts(map: ShortcutMap, enabled = true, inDialogs = false): void {
  const latest = useRef(map);
  latest.current = map;
  useEffect(() => {
    if (!enabled) return undefined;
    const listener = (event: KeyboardEvent) => {
      const decision = decideShortcut(event, describeFocus(event.target), latest.current, inDialogs);
      if (decision.action === 'blur') (event.target as HTMLElement).blur();
      if (decision.action !== 'run') return;
      event.preventDefault();
      latest.current[decision.name]?.(event);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [enabled, inDialogs]);
}

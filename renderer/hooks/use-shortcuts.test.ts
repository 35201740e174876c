// When a key press is a shortcut: decided from the key and the focused element alone.
import { describe, expect, it } from 'vitest';
import { decideShortcut, type FocusedElement, type KeyPress, type ShortcutMap } from './use-shortcuts';

const run = () => undefined;
/** The inbox's and the frame's shortcuts. */
const MAP: ShortcutMap = { j: run, k: run, Enter: run, '/': run, '?': run, Escape: run, 'Alt+l': run };

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, altKey: false, ctrlKey: false, metaKey: false, defaultPrevented: false, ...extra });
const element = (tagName: string, extra: Partial<FocusedElement> = {}): FocusedElement => ({ tagName, role: null, editable: false, inPopup: false, ...extra });

const BODY = element('BODY');
const TOP_BAR_LINK = element('A', { hasHref: true });
const BUTTON = element('BUTTON');
const INBOX_ROW = element('DIV', { role: 'option' });

describe('keyboard shortcuts', () => {
  it('runs a shortcut pressed with the focus on the page or on an inbox row', () => {
    expect(decideShortcut(press('j'), BODY, MAP)).toEqual({ action: 'run', name: 'j' });
    expect(decideShortcut(press('Enter'), BODY, MAP)).toEqual({ action: 'run', name: 'Enter' });
    expect(decideShortcut(press('K'), INBOX_ROW, MAP)).toEqual({ action: 'run', name: 'k' });
    expect(decideShortcut(press('?'), null, MAP)).toEqual({ action: 'run', name: '?' });
  });

  it('leaves Enter on a focused link to the link, so the browser follows it', () => {
    expect(decideShortcut(press('Enter'), TOP_BAR_LINK, MAP)).toEqual({ action: 'ignore' });
    expect(decideShortcut(press('Enter'), element('DIV', { role: 'link' }), MAP)).toEqual({ action: 'ignore' });
  });

  it('leaves Enter and Space on a button, a tab or a select to that control', () => {
    for (const control of [BUTTON, element('BUTTON', { role: 'tab' }), element('DIV', { role: 'combobox' }), element('DIV', { role: 'button' }), element('INPUT', { inputType: 'checkbox' }), element('SUMMARY')]) {
      expect(decideShortcut(press('Enter'), control, MAP), control.tagName).toEqual({ action: 'ignore' });
      expect(decideShortcut(press(' '), control, { ...MAP, ' ': run }), control.tagName).toEqual({ action: 'ignore' });
    }
  });

  it('still runs letter shortcuts on a link or a button, so j works right after clicking a tab', () => {
    expect(decideShortcut(press('j'), element('BUTTON', { role: 'tab' }), MAP)).toEqual({ action: 'run', name: 'j' });
    expect(decideShortcut(press('/'), TOP_BAR_LINK, MAP)).toEqual({ action: 'run', name: '/' });
  });

  it('treats an anchor without href as no link: it has nothing to follow', () => {
    expect(decideShortcut(press('Enter'), element('A', { hasHref: false }), MAP)).toEqual({ action: 'run', name: 'Enter' });
  });

  it('runs no plain key while the clerk types in a text field, a text area, a select or an editable area', () => {
    for (const field of [element('INPUT', { inputType: 'text' }), element('INPUT', { inputType: 'search' }), element('INPUT'), element('TEXTAREA'), element('SELECT'), element('DIV', { editable: true }), element('DIV', { role: 'textbox' })]) {
      expect(decideShortcut(press('j'), field, MAP), field.tagName).toEqual({ action: 'ignore' });
      expect(decideShortcut(press('Enter'), field, MAP), field.tagName).toEqual({ action: 'ignore' });
      expect(decideShortcut(press('?'), field, MAP), field.tagName).toEqual({ action: 'ignore' });
    }
  });

  it('leaves a text field on Escape, and runs Alt shortcuts even while typing', () => {
    expect(decideShortcut(press('Escape'), element('TEXTAREA'), MAP)).toEqual({ action: 'blur' });
    expect(decideShortcut(press('l', { altKey: true }), element('TEXTAREA'), MAP)).toEqual({ action: 'run', name: 'Alt+l' });
  });

  it('runs nothing inside a dialog or a menu, unless the dialog asks for its own shortcuts', () => {
    const inDialog = element('DIV', { inPopup: true });
    const menuItem = element('LI', { role: 'menuitem', inPopup: true });
    expect(decideShortcut(press('j'), inDialog, MAP)).toEqual({ action: 'ignore' });
    expect(decideShortcut(press('Escape'), menuItem, MAP)).toEqual({ action: 'ignore' });
    expect(decideShortcut(press('Escape'), inDialog, MAP, true)).toEqual({ action: 'run', name: 'Escape' });
  });

  it('runs nothing with Ctrl or Meta, once a handler took the key, or for a key with no shortcut', () => {
    expect(decideShortcut(press('j', { ctrlKey: true }), BODY, MAP)).toEqual({ action: 'ignore' });
    expect(decideShortcut(press('k', { metaKey: true }), BODY, MAP)).toEqual({ action: 'ignore' });
    expect(decideShortcut(press('Enter', { defaultPrevented: true }), INBOX_ROW, MAP)).toEqual({ action: 'ignore' });
    expect(decideShortcut(press('x'), BODY, MAP)).toEqual({ action: 'ignore' });
  });
});

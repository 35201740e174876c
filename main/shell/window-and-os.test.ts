// The shell's OS integration: one instance, the window where it was left, notifications.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assignmentNotification, escalationNotification, notifyAssigned, notifyEscalated } from './notifications';
import { holdSingleInstance } from './single-instance';
import { DEFAULT_SIZE, initialBounds, readWindowState, writeWindowState } from './window-state';

describe('single instance', () => {
  it('quits a second start, and brings the first one forward when that happens', () => {
    const second = { requestSingleInstanceLock: () => false, quit: vi.fn(), on: vi.fn() };
    expect(holdSingleInstance(second as never, vi.fn())).toBe(false);
    expect(second.quit).toHaveBeenCalled();

    const listeners = new Map<string, () => void>();
    const first = { requestSingleInstanceLock: () => true, quit: vi.fn(), on: (name: string, listener: () => void) => listeners.set(name, listener) };
    const focus = vi.fn();
    expect(holdSingleInstance(first as never, focus)).toBe(true);
    listeners.get('second-instance')!();
    expect(focus).toHaveBeenCalled();
    expect(first.quit).not.toHaveBeenCalled();
  });
});

describe('window state', () => {
  const folders: string[] = [];
  afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));
  const file = () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-window-'));
    folders.push(folder);
    return path.join(folder, 'window-state.json');
  };
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('opens where the clerk left it', () => {
    const where = file();
    writeWindowState(where, { bounds: { x: 100, y: 80, width: 1400, height: 900 }, maximized: true });
    const state = readWindowState(where);
    expect(state.maximized).toBe(true);
    expect(initialBounds(state, screen)).toEqual({ x: 100, y: 80, width: 1400, height: 900 });
  });

  it('opens at the default place when the saved one is on a monitor that is gone, or the file is damaged', () => {
    expect(initialBounds({ bounds: { x: 2500, y: 100, width: 1200, height: 800 }, maximized: false }, screen)).toEqual(DEFAULT_SIZE);
    const damaged = file();
    writeFileSync(damaged, '{"bounds": {"x": "a"');
    expect(readWindowState(damaged)).toEqual({ maximized: false });
    expect(initialBounds(readWindowState(damaged), screen)).toEqual(DEFAULT_SIZE);
  });
});

describe('notifications', () => {
  it('say which ticket was assigned, in Spanish by default, and open it on click', () => {
    const assigned = { ticketId: 't-1', reference: '2026-ABCD-EFGH', subject: 'Licencia de obra menor en calle Mayor' };
    expect(assignmentNotification(assigned)).toEqual({ title: 'Se le ha asignado el expediente 2026-ABCD-EFGH', body: 'Licencia de obra menor en calle Mayor', silent: false });
    let click: (() => void) | undefined;
    const shown = vi.fn();
    const opened = vi.fn();
    notifyAssigned(() => ({ show: shown, on: (_event: 'click', listener: () => void) => (click = listener) }), assigned, opened);
    expect(shown).toHaveBeenCalled();
    click!();
    expect(opened).toHaveBeenCalledWith('t-1');
  });

  it('tell a supervisor which ticket is near or past due, or how many in a summary, and open them on click', () => {
    const ticket = { ticketId: 't-9', reference: '2026-ABCD-EFGH', subject: 'Vado permanente', dueAt: 0 };
    expect(escalationNotification({ level: 'overdue', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 1, ticket })).toEqual({
      title: 'Expediente 2026-ABCD-EFGH vencido (Urbanismo)',
      body: 'Vado permanente',
      silent: false,
    });
    expect(escalationNotification({ level: 'near', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 12 }, 'en').title).toBe('12 tickets due soon in Urbanismo');
    const opened = vi.fn();
    const clicks: (() => void)[] = [];
    const create = () => ({ show: vi.fn(), on: (_event: 'click', listener: () => void) => clicks.push(listener) });
    notifyEscalated(create, { level: 'near', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 1, ticket }, opened);
    notifyEscalated(create, { level: 'overdue', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 5 }, opened);
    for (const click of clicks) click();
    expect(opened.mock.calls).toEqual([['t-9'], [undefined]]);
  });
});

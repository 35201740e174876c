// The window opens where the clerk left it: size, position, maximised — unless that place is no
// longer on any screen (a laptop undocked from its second monitor), then centred on the main one.
import { readFileSync, writeFileSync } from 'node:fs';

export type Bounds = { x: number; y: number; width: number; height: number };
export type WindowState = { bounds?: Bounds; maximized: boolean };

export const DEFAULT_SIZE = { width: 1280, height: 800 };
const MIN = { width: 800, height: 560 };

function isBounds(value: unknown): value is Bounds {
  if (typeof value !== 'object' || value === null) return false;
  const bounds = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((key) => Number.isFinite(bounds[key]));
}

export function readWindowState(file: string): WindowState {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { bounds?: unknown; maximized?: unknown };
    return { ...(isBounds(raw.bounds) && { bounds: raw.bounds }), maximized: raw.maximized === true };
  } catch {
    return { maximized: false };
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(file, JSON.stringify(state));
  } catch {
    // A read-only profile: the window opens at its default place next time; nothing else is lost.
  }
}

/** Whether at least a usable corner of the window (100×50 px of its title bar) is on a display. */
function visibleOn(bounds: Bounds, displays: readonly Bounds[]): boolean {
  return displays.some(
    (area) => bounds.x + 100 <= area.x + area.width && bounds.x + bounds.width - 100 >= area.x && bounds.y >= area.y && bounds.y + 50 <= area.y + area.height,
  );
}

/** The bounds to open with, given the displays' work areas now. */
export function initialBounds(state: WindowState, displays: readonly Bounds[]): Partial<Bounds> & { width: number; height: number } {
  const saved = state.bounds;
  if (saved && visibleOn(saved, displays)) {
    return { x: saved.x, y: saved.y, width: Math.max(MIN.width, saved.width), height: Math.max(MIN.height, saved.height) };
  }
  return { ...DEFAULT_SIZE };
}

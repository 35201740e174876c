/**
 * Instants ↔ local wall-clock time in an IANA time zone (Europe/Madrid, Atlantic/Canary), through
 * the platform's Intl time-zone database: present in Node, Electron and every browser, so the
 * same code runs in the workstation, the screens and the server. The rules of the zones Spanish
 * councils use (EU summer time, Directive 2000/84/EC) have not changed since 1996, so every
 * workstation computes the same deadlines whatever the version of its database.
 *
 * Formatting with Intl costs microseconds, so offsets are cached: per UTC day when the offset is
 * the same at both its ends (no zone changes its clock twice in a day), else per quarter of an
 * hour, on which every real-world transition falls.
 */
import { DAY_MS, MINUTE_MS, type DayNumber } from './civil-date';

const QUARTER_MS = 15 * MINUTE_MS;
const CACHE_LIMIT = 200_000;

export class TimeZone {
  readonly name: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  /** Offset of a whole UTC day, or NaN when the clock changes that day. */
  private readonly dayOffsets = new Map<number, number>();

  /** Throws a RangeError naming the zone when the platform does not know it. */
  constructor(name: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone "${name}" (expected an IANA name such as Europe/Madrid)`);
    }
    this.name = name;
  }

  /** Milliseconds to add to UTC to get the wall-clock time at `instant`. */
  offsetAt(instant: number): number {
    const utcDay = Math.floor(instant / DAY_MS);
    let dayOffset = this.dayOffsets.get(utcDay);
    if (dayOffset === undefined) {
      const start = this.computeOffset(utcDay * DAY_MS);
      dayOffset = start === this.computeOffset(utcDay * DAY_MS + DAY_MS - 1000) ? start : Number.NaN;
      if (this.dayOffsets.size >= CACHE_LIMIT) this.dayOffsets.clear();
      this.dayOffsets.set(utcDay, dayOffset);
    }
    if (!Number.isNaN(dayOffset)) return dayOffset;
    const bucket = Math.floor(instant / QUARTER_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      offset = this.computeOffset(bucket * QUARTER_MS);
      if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /** The local day of an instant. */
  dayOf(instant: number): DayNumber {
    return Math.floor((instant + this.offsetAt(instant)) / DAY_MS);
  }

  /** Minutes since local midnight at an instant. */
  minuteOf(instant: number): number {
    const local = instant + this.offsetAt(instant);
    return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / MINUTE_MS);
  }

  /**
   * The instant a local wall-clock time happens. A time the spring change skips (02:30 on the
   * last Sunday of March in Madrid) maps to the same time after the change (03:30); a time the
   * autumn change repeats maps to its first occurrence.
   */
  instantAt(day: DayNumber, minuteOfDay: number): number {
    const naive = day * DAY_MS + minuteOfDay * MINUTE_MS;
    const before = this.offsetAt(naive - 14 * 3_600_000);
    const after = this.offsetAt(naive + 14 * 3_600_000);
    if (before === after) return naive - before;
    const first = naive - before;
    if (this.offsetAt(first) === before) return first;
    const second = naive - after;
    if (this.offsetAt(second) === after) return second;
    return first; // in the gap: the wall clock jumped over this time
  }

  private computeOffset(instant: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return wall - Math.floor(instant / 1000) * 1000;
  }
}

const zones = new Map<string, TimeZone>();

/** One shared TimeZone per name, so its cache serves every calendar in that zone. */
export function timeZone(name: string): TimeZone {
  let zone = zones.get(name);
  if (!zone) zones.set(name, (zone = new TimeZone(name)));
  return zone;
}

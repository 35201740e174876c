import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './civil-date';
import { TimeZone, timeZone } from './time-zone';

const madrid = timeZone('Europe/Madrid');
const canary = timeZone('Atlantic/Canary');

describe('time zones', () => {
  it('gives Madrid UTC+1 in winter and UTC+2 in summer, the Canaries one hour less', () => {
    expect(madrid.offsetAt(Date.UTC(2025, 0, 15, 12))).toBe(3_600_000);
    expect(madrid.offsetAt(Date.UTC(2025, 6, 15, 12))).toBe(7_200_000);
    expect(canary.offsetAt(Date.UTC(2025, 0, 15, 12))).toBe(0);
    expect(canary.offsetAt(Date.UTC(2025, 6, 15, 12))).toBe(3_600_000);
  });

  it('changes at 01:00 UTC on the last Sundays of March and October', () => {
    expect(madrid.offsetAt(Date.UTC(2026, 2, 29, 0, 59))).toBe(3_600_000);
    expect(madrid.offsetAt(Date.UTC(2026, 2, 29, 1, 0))).toBe(7_200_000);
    expect(madrid.offsetAt(Date.UTC(2025, 9, 26, 0, 59))).toBe(7_200_000);
    expect(madrid.offsetAt(Date.UTC(2025, 9, 26, 1, 0))).toBe(3_600_000);
  });

  it('finds the local day and minute of an instant', () => {
    // 23:30 UTC on 31 December 2025 is already 00:30 on New Year's Day in Madrid, not yet in the Canaries.
    const instant = Date.UTC(2025, 11, 31, 23, 30);
    expect(madrid.dayOf(instant)).toBe(parseIsoDate('2026-01-01'));
    expect(madrid.minuteOf(instant)).toBe(30);
    expect(canary.dayOf(instant)).toBe(parseIsoDate('2025-12-31'));
    expect(canary.minuteOf(instant)).toBe(23 * 60 + 30);
  });

  it('turns local wall-clock times into instants, across both changes of the clock', () => {
    const day = parseIsoDate('2026-03-29');
    expect(madrid.instantAt(day, 9 * 60)).toBe(Date.UTC(2026, 2, 29, 7));
    expect(madrid.instantAt(day, 60)).toBe(Date.UTC(2026, 2, 29, 0));
    // 02:30 does not exist that night: it is read as 03:30 summer time.
    expect(madrid.instantAt(day, 150)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    // 02:30 happens twice on 26 October 2025: the first one (still summer time).
    expect(madrid.instantAt(parseIsoDate('2025-10-26'), 150)).toBe(Date.UTC(2025, 9, 26, 0, 30));
    expect(canary.instantAt(parseIsoDate('2025-07-01'), 9 * 60)).toBe(Date.UTC(2025, 6, 1, 8));
  });

  it('refuses a zone the platform does not know, naming it', () => {
    expect(() => new TimeZone('Europe/Villanueva')).toThrow(/unknown time zone "Europe\/Villanueva"/);
  });
});

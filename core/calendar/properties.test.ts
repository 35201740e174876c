// Property tests: thousands of random periods from a seeded, deterministic generator, so a
// failure names its seed and case and replays identically.
import { describe, expect, it } from 'vitest';
import type { SlaPeriod, SlaUnit } from '../schemas';
import { addMonthsClamped, isoDate } from './civil-date';
import { computeDeadline } from './deadlines';
import { madridCityCalendar as city } from './test-calendars';
import { mulberry32 } from '../demo/random';

const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2027, 11, 31);
const CASES = 3000;

function cases(seed: number, unit: SlaUnit, maxAmount: number) {
  const random = mulberry32(seed);
  return Array.from({ length: CASES }, () => ({
    start: FROM + Math.floor(random() * (TO - FROM)),
    amount: 1 + Math.floor(random() * maxAmount),
  }));
}

const dayUnits: [SlaUnit, number][] = [
  ['working_days', 60],
  ['calendar_days', 90],
  ['months', 24],
];

describe.each(dayUnits)('deadlines in %s (3,000 random cases each)', (unit, maxAmount) => {
  it('always fall on a working day', () => {
    for (const [index, { start, amount }] of cases(1, unit, maxAmount).entries()) {
      const { dueDay } = computeDeadline(city, { amount, unit }, start);
      if (!city.isWorkingDay(dueDay!)) expect.fail(`case ${index}: ${amount} ${unit} from ${new Date(start).toISOString()} ends on ${isoDate(dueDay!)}`);
    }
  });

  it('never end earlier for a longer period or a later start', () => {
    for (const [index, { start, amount }] of cases(2, unit, maxAmount).entries()) {
      const period: SlaPeriod = { amount, unit };
      const due = computeDeadline(city, period, start).dueAt;
      const longer = computeDeadline(city, { amount: amount + 1, unit }, start).dueAt;
      const later = computeDeadline(city, period, start + 86_400_000).dueAt;
      if (longer < due || later < due) expect.fail(`case ${index}: ${amount} ${unit} from ${new Date(start).toISOString()}`);
    }
  });

  it('end after the start, and never before the plain date arithmetic says', () => {
    for (const [index, { start, amount }] of cases(3, unit, maxAmount).entries()) {
      const { dueDay, startDay } = computeDeadline(city, { amount, unit }, start);
      const floor = unit === 'months' ? addMonthsClamped(startDay, amount) : startDay + amount;
      if (dueDay! < floor) expect.fail(`case ${index}: ${isoDate(dueDay!)} before ${isoDate(floor)}`);
    }
  });
});

describe('working-hour deadlines (3,000 random cases)', () => {
  it('end inside working hours and never earlier for more hours', () => {
    for (const [index, { start, amount }] of cases(4, 'working_hours', 40).entries()) {
      const due = computeDeadline(city, { amount, unit: 'working_hours' }, start).dueAt;
      const longer = computeDeadline(city, { amount: amount + 1, unit: 'working_hours' }, start).dueAt;
      const day = city.zone.dayOf(due - 1);
      const minute = city.zone.minuteOf(due - 1);
      const inside = city.isWorkingDay(day) && city.spans.some((span) => minute >= span.start && minute < span.end);
      if (!inside || longer <= due) expect.fail(`case ${index}: ${amount} h from ${new Date(start).toISOString()} → ${new Date(due).toISOString()}`);
    }
  });
});

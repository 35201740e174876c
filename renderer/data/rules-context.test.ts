import { describe, expect, it } from 'vitest';
import { compileRules } from '../../core/routing';
import { defaultCouncil } from '../../core/routing/test-council';
import type { Calendar, Department } from '../../core/schemas';
import { compileCouncilRules } from './routing';
import { councilCalendarId, routingContextOf } from './rules-context';

const calendar = (id: string) => ({ id }) as Calendar;
const department = (calendarId: string | undefined, active = true) => ({ ...(calendarId && { calendarId }), active }) as Department;

describe('the council calendar of rules that name none', () => {
  it('is the calendar most active departments work by, ties by id', () => {
    const calendars = [calendar('cal-policia'), calendar('cal-villanueva')];
    expect(councilCalendarId(calendars, [department('cal-villanueva'), department('cal-policia'), department('cal-villanueva')])).toBe('cal-villanueva');
    expect(councilCalendarId(calendars, [department('cal-villanueva'), department('cal-policia')])).toBe('cal-policia');
    expect(councilCalendarId(calendars, [department('cal-policia', false), department('cal-villanueva')])).toBe('cal-villanueva');
  });

  it('is the only calendar there is, even when no department names it, and none without calendars', () => {
    expect(councilCalendarId([calendar('cal-a')], [department(undefined)])).toBe('cal-a');
    expect(councilCalendarId([], [department('cal-a')])).toBeUndefined();
  });

  it('lets the default council\'s out-of-hours rules compile, where they were problems before', () => {
    const council = defaultCouncil();
    const without = compileRules(council.rules, { calendars: council.calendars, departments: council.departments });
    expect(without.problems.length).toBeGreaterThan(0);
    expect(compileRules(council.rules, routingContextOf(council.calendars, council.departments)).problems).toEqual([]);
    expect(compileCouncilRules(council.rules, council.calendars, council.departments).problems).toEqual([]);
  });
});

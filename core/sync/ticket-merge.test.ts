import { describe, expect, it } from 'vitest';
import type { WithDeleted } from 'rxdb';
import { INTAKE_DEPARTMENT_ID, NO_DUE_DATE, UNASSIGNED } from '../schemas/fields';
import { intakeTicket } from '../schemas/test-fixtures';
import {
  TICKET_CLOCKED_FIELDS,
  TICKET_HISTORY_MAX,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  ticketSchema,
  type Ticket,
  type TicketClockedField,
} from '../schemas/tickets';
import { canonicalJson } from './json-value';
import { DOCUMENT_STATE_CHECKS } from './replication-protocol';
import { mergeTickets, stampTicketEdit, type TicketEdit } from './ticket-merge';
import { mulberry32 } from '../demo/random';

const T0 = Date.UTC(2025, 2, 17, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type TicketState = WithDeleted<Ticket>;

/** A mail to the general mailbox, as both workstations received it from the server. */
function ticket(overrides: Partial<TicketState> = {}): TicketState {
  return { ...intakeTicket(T0), _deleted: false, ...overrides };
}

/** Equal as JSON, whatever the key order: the way RxDB and the server compare documents. */
function expectSameTicket(actual: unknown, expected: unknown): void {
  expect(canonicalJson(actual)).toBe(canonicalJson(expected));
}

describe('mergeTickets', () => {
  it('keeps both edits when two clerks change different fields offline', () => {
    const base = ticket();
    const ana = stampTicketEdit(base, { status: 'open', assigneeId: 'usr-ana' }, T0 + MINUTE, 'usr-ana');
    const luis = stampTicketEdit(base, { priority: 'high', departmentId: 'urbanismo' }, T0 + 2 * MINUTE, 'usr-luis');

    const merged = mergeTickets(ana, luis, base);

    expect(merged).toMatchObject({ status: 'open', assigneeId: 'usr-ana', priority: 'high', departmentId: 'urbanismo' });
    expect(merged.fieldClock).toEqual({ status: T0 + MINUTE, assigneeId: T0 + MINUTE, priority: T0 + 2 * MINUTE, departmentId: T0 + 2 * MINUTE });
    expect(merged.fieldBy).toEqual({ status: 'usr-ana', assigneeId: 'usr-ana', priority: 'usr-luis', departmentId: 'usr-luis' });
    expect(merged.history).toBeUndefined();
    expect(merged.updatedAt).toBe(T0 + 2 * MINUTE);
    expect(merged.lastActivityAt).toBe(T0 + MINUTE);
  });

  it('lets the later edit of the same field win and keeps the overwritten value, with its author, in the history', () => {
    const base = ticket();
    const ana = stampTicketEdit(base, { subject: 'Ruido de un bar en la calle Mayor' }, T0 + MINUTE, 'usr-ana');
    const luis = stampTicketEdit(base, { subject: 'Ruido nocturno (bar La Esquina)' }, T0 + 3 * MINUTE, 'usr-luis');

    for (const merged of [mergeTickets(ana, luis, base), mergeTickets(luis, ana, base)]) {
      expect(merged.subject).toBe('Ruido nocturno (bar La Esquina)');
      expect(merged.fieldClock?.subject).toBe(T0 + 3 * MINUTE);
      expect(merged.history).toEqual([
        { field: 'subject', value: 'Ruido de un bar en la calle Mayor', clock: T0 + MINUTE, by: 'usr-ana', overwrittenAt: T0 + 3 * MINUTE },
      ]);
    }
  });

  it('takes an edit made on one side only even when that side\'s clock is behind', () => {
    // The server already holds Luis's status; Ana's PC clock is an hour late when she sets the
    // priority over it. Only Ana changed the priority since the state she saw: an edit, no conflict.
    const base = stampTicketEdit(ticket(), { priority: 'low' }, T0 + HOUR, 'usr-luis');
    const ana = stampTicketEdit(base, { priority: 'urgent' }, T0, 'usr-ana');
    const server = stampTicketEdit(base, { status: 'open' }, T0 + 2 * HOUR, 'usr-luis');
    // stampTicketEdit already keeps a field's clock from going back…
    expect(ana.fieldClock?.priority).toBe(T0 + HOUR + 1);
    // …and the base decides even when a writer did not stamp at all.
    const unstamped = { ...base, priority: 'urgent' as const };

    for (const mine of [ana, unstamped]) {
      const merged = mergeTickets(mine, server, base);
      expect(merged).toMatchObject({ priority: 'urgent', status: 'open' });
      expect(merged.history).toBeUndefined();
    }
  });

  it('lets a clerk who set a field back to its old value later win over an earlier edit', () => {
    const base = stampTicketEdit(ticket(), { priority: 'low' }, T0, 'usr-luis');
    const ana = stampTicketEdit(base, { priority: 'high' }, T0 + MINUTE, 'usr-ana');
    const luis = stampTicketEdit(stampTicketEdit(base, { priority: 'urgent' }, T0 + 2 * MINUTE, 'usr-luis'), { priority: 'low' }, T0 + 3 * MINUTE, 'usr-luis');

    const merged = mergeTickets(ana, luis, base);

    expect(merged.priority).toBe('low');
    expect(merged.history).toEqual([{ field: 'priority', value: 'high', clock: T0 + MINUTE, by: 'usr-ana', overwrittenAt: T0 + 3 * MINUTE }]);
  });

  it('breaks a tie between equal clocks the same way whichever side is mine', () => {
    const base = ticket();
    const ana = stampTicketEdit(base, { status: 'pending' }, T0 + MINUTE, 'usr-ana');
    const luis = stampTicketEdit(base, { status: 'open' }, T0 + MINUTE, 'usr-luis');

    const one = mergeTickets(ana, luis, base);
    const other = mergeTickets(luis, ana, base);

    expectSameTicket(one, other);
    // The greater JSON wins: '"pending"' > '"open"'.
    expect(one.status).toBe('pending');
    expect(one.history).toEqual([{ field: 'status', value: 'open', clock: T0 + MINUTE, by: 'usr-luis', overwrittenAt: T0 + MINUTE }]);
  });

  it('merges tickets that were never stamped, deterministically, and lets a stamped edit beat an unstamped value', () => {
    const base = ticket();
    const a = { ...base, subject: 'Farola apagada', updatedAt: T0 + MINUTE };
    const b = { ...base, subject: 'Farola fundida', updatedAt: T0 + 2 * MINUTE };

    const withoutBase = mergeTickets(a, b);
    expectSameTicket(withoutBase, mergeTickets(b, a));
    expect(withoutBase.subject).toBe('Farola fundida');
    expect(withoutBase.fieldClock).toBeUndefined();
    // Without clocks the overwrite is dated by the ticket's updatedAt, the same on every workstation.
    expect(withoutBase.history).toEqual([{ field: 'subject', value: 'Farola apagada', overwrittenAt: T0 + 2 * MINUTE }]);

    const stamped = stampTicketEdit(base, { subject: 'Farola de la plaza' }, T0 + 30 * MINUTE, 'usr-ana');
    expect(mergeTickets(b, stamped).subject).toBe('Farola de la plaza');
    expect(mergeTickets(stamped, b).subject).toBe('Farola de la plaza');
  });

  it('keeps at most 50 history entries, dropping the oldest', () => {
    let server = ticket();
    for (let round = 1; round <= TICKET_HISTORY_MAX + 10; round++) {
      const base = server;
      const mine = stampTicketEdit(base, { subject: `Propuesta ${round} de Ana` }, T0 + round * MINUTE, 'usr-ana');
      const theirs = stampTicketEdit(base, { subject: `Propuesta ${round} de Luis` }, T0 + round * MINUTE + 1, 'usr-luis');
      server = mergeTickets(mine, theirs, base);
    }
    const history = server.history ?? [];
    expect(history).toHaveLength(TICKET_HISTORY_MAX);
    expect(history[0]?.value).toBe('Propuesta 11 de Ana');
    expect(history.at(-1)?.value).toBe(`Propuesta ${TICKET_HISTORY_MAX + 10} de Ana`);
    expect(history.map((entry) => entry.overwrittenAt)).toEqual([...history.map((entry) => entry.overwrittenAt)].sort((x, y) => x - y));
    expect(DOCUMENT_STATE_CHECKS.tickets(server)).toMatchObject({ ok: true });
  });

  describe('tags', () => {
    it('keeps a tag added on each side and drops a tag removed on either side', () => {
      const base = ticket({ tags: ['ruido', 'vecinos', 'bar'] });
      const ana = stampTicketEdit(base, { tags: ['ruido', 'bar', 'nocturno'] }, T0 + MINUTE, 'usr-ana');
      const luis = stampTicketEdit(base, { tags: ['ruido', 'vecinos', 'licencia-de-actividad'] }, T0 + 2 * MINUTE, 'usr-luis');

      const merged = mergeTickets(ana, luis, base);

      expect(merged.tags).toEqual(['licencia-de-actividad', 'nocturno', 'ruido']);
      expect(merged.fieldClock?.tags).toBe(T0 + 2 * MINUTE);
      expect(merged.history).toBeUndefined();
      expectSameTicket(merged, mergeTickets(luis, ana, base));
    });

    it('keeps every tag of both sides when the common base is unknown', () => {
      const a = stampTicketEdit(ticket(), { tags: ['ruido', 'bar'] }, T0 + MINUTE, 'usr-ana');
      const b = stampTicketEdit(ticket(), { tags: ['vecinos'] }, T0 + 2 * MINUTE, 'usr-luis');
      expect(mergeTickets(a, b).tags).toEqual(['bar', 'ruido', 'vecinos']);
    });

    it('keeps a clerk\'s order of the tags when only they changed the tags', () => {
      const base = ticket({ tags: ['vecinos'] });
      const ana = stampTicketEdit(base, { tags: ['vecinos', 'ruido'] }, T0 + MINUTE, 'usr-ana');
      const luis = stampTicketEdit(base, { status: 'open' }, T0 + 2 * MINUTE, 'usr-luis');
      expect(mergeTickets(ana, luis, base).tags).toEqual(['vecinos', 'ruido']);
      expect(mergeTickets(luis, ana, base).tags).toEqual(['vecinos', 'ruido']);
    });
  });

  it('keeps the reference of the first opening and the other one in the history', () => {
    // Two workstations ingested the same mail offline: the same id, each its own reference.
    const first = ticket({ reference: '2025-000123', createdAt: T0 });
    const second = ticket({ reference: '2025-000130', createdAt: T0 + 5 * MINUTE, updatedAt: T0 + 5 * MINUTE, lastActivityAt: T0 + 5 * MINUTE });

    const merged = mergeTickets(second, first);

    expectSameTicket(merged, mergeTickets(first, second));
    expect(merged).toMatchObject({ reference: '2025-000123', createdAt: T0, updatedAt: T0 + 5 * MINUTE, lastActivityAt: T0 + 5 * MINUTE });
    expect(merged.history).toEqual([{ field: 'reference', value: '2025-000130', clock: T0 + 5 * MINUTE, overwrittenAt: T0 + 5 * MINUTE }]);
  });

  it('keeps a ticket deleted on either side deleted, with the merged fields', () => {
    const base = ticket();
    const deleted = { ...base, _deleted: true };
    const edited = stampTicketEdit(base, { status: 'open' }, T0 + MINUTE, 'usr-ana');
    for (const merged of [mergeTickets(deleted, edited, base), mergeTickets(edited, deleted, base)]) {
      expect(merged).toMatchObject({ _deleted: true, status: 'open' });
    }
  });

  it('refuses to merge two different tickets', () => {
    expect(() => mergeTickets(ticket(), ticket({ id: 'otro' }))).toThrow(/two different tickets/);
  });

  it('has a rule for every field of the tickets schema', () => {
    // A field added to the schema must be added to the merge, or the merge would drop it.
    const merged = mergeTickets(everyField(), everyField());
    expect(Object.keys(merged).sort()).toEqual([...Object.keys(ticketSchema.properties), '_deleted'].sort());
  });
});

describe('mergeTickets over random offline edits', () => {
  const RUNS = 2000;

  it('converges to the same ticket whichever side is mine, with and without the base', () => {
    const random = mulberry32(20250317);
    for (let run = 0; run < RUNS; run++) {
      const { base, a, b } = randomConflict(random);
      expectSameTicket(mergeTickets(a, b, base), mergeTickets(b, a, base));
      expectSameTicket(mergeTickets(a, b), mergeTickets(b, a));
    }
  });

  it('changes nothing when merged again with itself or with either side', () => {
    const random = mulberry32(4242);
    for (let run = 0; run < RUNS; run++) {
      const { base, a, b } = randomConflict(random);
      expectSameTicket(mergeTickets(a, a, base), a);
      for (const useBase of [base, undefined]) {
        const merged = mergeTickets(a, b, useBase);
        expectSameTicket(mergeTickets(merged, merged, useBase), merged);
        expectSameTicket(mergeTickets(merged, a, useBase), merged);
        expectSameTicket(mergeTickets(b, merged, useBase), merged);
      }
    }
  });

  it('gives the same fields whatever the order of merges of three workstations', () => {
    const random = mulberry32(7);
    for (let run = 0; run < RUNS; run++) {
      const { a, b } = randomConflict(random);
      const { a: c } = randomConflict(random);
      const left = withoutHistory(mergeTickets(mergeTickets(a, b), c));
      const right = withoutHistory(mergeTickets(a, mergeTickets(b, c)));
      expectSameTicket(left, right);
    }
  });

  it('loses no edit: every value of both sides is either the merged one or in the history', () => {
    const random = mulberry32(99);
    for (let run = 0; run < RUNS; run++) {
      const { base, a, b } = randomConflict(random);
      const merged = mergeTickets(a, b, base);
      for (const field of TICKET_CLOCKED_FIELDS.filter((name) => name !== 'tags')) {
        for (const side of [a, b]) {
          const edited = canonicalJson(side[field]) !== canonicalJson(base[field]);
          if (!edited || canonicalJson(side[field]) === canonicalJson(merged[field])) continue;
          const kept = (merged.history ?? []).some((entry) => entry.field === field && canonicalJson(entry.value) === canonicalJson(side[field]));
          expect(kept, `${field} ${canonicalJson(side[field])}`).toBe(true);
        }
      }
      for (const tag of [...a.tags, ...b.tags].filter((name) => !base.tags.includes(name))) {
        expect(merged.tags).toContain(tag);
      }
    }
  });

  it('always gives a ticket that the tickets schema accepts', () => {
    const random = mulberry32(12345);
    for (let run = 0; run < 500; run++) {
      const { base, a, b } = randomConflict(random);
      for (const merged of [mergeTickets(a, b, base), mergeTickets(a, b)]) {
        expect(DOCUMENT_STATE_CHECKS.tickets(merged)).toEqual({ ok: true, value: merged });
      }
    }
  });
});

describe('stampTicketEdit', () => {
  it('applies the edit and stamps the clock and author of each changed field', () => {
    const base = ticket({ fieldClock: { status: T0 }, fieldBy: { status: 'usr-luis' } });
    const edited = stampTicketEdit(base, { status: 'open', assigneeId: 'usr-ana', priority: 'normal' }, T0 + MINUTE, 'usr-ana');
    expect(edited).toMatchObject({ status: 'open', assigneeId: 'usr-ana', updatedAt: T0 + MINUTE, lastActivityAt: T0 + MINUTE });
    // The priority did not change: no stamp.
    expect(edited.fieldClock).toEqual({ status: T0 + MINUTE, assigneeId: T0 + MINUTE });
    expect(edited.fieldBy).toEqual({ status: 'usr-ana', assigneeId: 'usr-ana' });
    expect(base.status).toBe('new');
  });

  it('gives back the same ticket when nothing changes', () => {
    const base = ticket({ tags: ['ruido'] });
    expect(stampTicketEdit(base, { status: 'new', tags: ['ruido'] }, T0 + MINUTE, 'usr-ana')).toBe(base);
  });

  it('moves the activity time only when the status changes', () => {
    const edited = stampTicketEdit(ticket(), { subject: 'Otro asunto' }, T0 + MINUTE);
    expect(edited).toMatchObject({ updatedAt: T0 + MINUTE, lastActivityAt: T0 });
  });

  it('removes an optional field set to undefined and refuses to remove a required one', () => {
    const base = ticket({ category: 'licencias' });
    const cleared = stampTicketEdit(base, { category: undefined }, T0 + MINUTE, 'usr-ana');
    expect('category' in cleared).toBe(false);
    expect(cleared.fieldClock?.category).toBe(T0 + MINUTE);
    expect(() => stampTicketEdit(base, { subject: undefined }, T0 + MINUTE)).toThrow(/subject is required/);
  });

  it('refuses a field that an edit may not change, and a time that is not whole milliseconds', () => {
    expect(() => stampTicketEdit(ticket(), { reference: '2025-000999' } as TicketEdit, T0)).toThrow(/reference is not a field an edit may change/);
    expect(() => stampTicketEdit(ticket(), { status: 'open' }, T0 + 0.5)).toThrow(RangeError);
  });

  it('forgets the previous author of a field changed without an author', () => {
    const base = stampTicketEdit(ticket(), { status: 'open' }, T0, 'usr-luis');
    const byRule = stampTicketEdit(base, { status: 'pending' }, T0 + MINUTE);
    expect(byRule.fieldBy).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------
// Random conflicts

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Few values per field, so that the two sides often choose the same one or the same clock. */
const VALUES: { [F in TicketClockedField]: readonly Ticket[F][] } = {
  subject: ['Ruido nocturno', 'Ruido de un bar', 'Bache en la calle Mayor', ''],
  status: TICKET_STATUSES,
  priority: TICKET_PRIORITIES,
  departmentId: [INTAKE_DEPARTMENT_ID, 'urbanismo', 'tributos'],
  assigneeId: [UNASSIGNED, 'usr-ana', 'usr-luis'],
  citizenId: ['cit-0001', 'cit-0002', ''],
  dueAt: [NO_DUE_DATE, T0 + DAY, T0 + 2 * DAY],
  tags: [],
  category: [undefined, 'licencias', 'multas'],
  routedBy: [undefined, 'rule-urbanismo'],
  mergedInto: [undefined, 'tkt-principal'],
  firstResponseAt: [undefined, T0 + HOUR],
  resolvedAt: [undefined, T0 + DAY],
};
const TAGS = ['ruido', 'obras', 'urgente', 'vecinos'];
const CLERKS = [undefined, 'usr-ana', 'usr-luis', 'usr-eva'];

function randomValue(random: () => number, field: TicketClockedField): unknown {
  if (field === 'tags') return TAGS.filter(() => random() < 0.4).sort(() => random() - 0.5);
  return pick(random, VALUES[field] as readonly unknown[]);
}

/** A few edits as a workstation makes them: mostly stamped, sometimes by an old writer that does not stamp. */
function randomEdits(random: () => number, start: TicketState): TicketState {
  let state = start;
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const field = pick(random, TICKET_CLOCKED_FIELDS);
    const value = randomValue(random, field);
    const now = T0 + Math.floor(random() * 4) * MINUTE;
    if (random() < 0.8) {
      state = stampTicketEdit(state, { [field]: value } as TicketEdit, now, pick(random, CLERKS));
    } else {
      const next: Record<string, unknown> = { ...state, updatedAt: Math.max(state.updatedAt, now) };
      if (value === undefined) delete next[field];
      else next[field] = value;
      state = next as TicketState;
    }
  }
  if (random() < 0.05) state = { ...state, _deleted: true };
  return state;
}

/** A base the server held (sometimes with a history of its own), and two offline edits of it. */
function randomConflict(random: () => number): { base: TicketState; a: TicketState; b: TicketState } {
  let base = randomEdits(random, ticket({ _deleted: false }));
  if (random() < 0.3) base = mergeTickets(randomEdits(random, base), randomEdits(random, base), base);
  base = { ...base, _deleted: false };
  let a = randomEdits(random, base);
  let b = randomEdits(random, base);
  if (random() < 0.1) {
    // The same mail opened on two workstations: each its own reference and time.
    a = { ...a, reference: pick(random, ['2025-000123', '2025-000130']), createdAt: T0 + Math.floor(random() * 3) };
    b = { ...b, reference: pick(random, ['2025-000123', '2025-000131']), createdAt: T0 + Math.floor(random() * 3) };
  }
  return { base, a, b };
}

function withoutHistory(state: TicketState): Omit<TicketState, 'history'> {
  const { history: _history, ...rest } = state;
  return rest;
}

function everyField(): TicketState {
  return ticket({
    category: 'licencias',
    routedBy: 'rule-1',
    mergedInto: 'tkt-2',
    firstResponseAt: T0,
    resolvedAt: T0,
    fieldClock: { status: T0 },
    fieldBy: { status: 'usr-ana' },
    history: [{ field: 'status', value: 'open', overwrittenAt: T0 }],
  });
}

import { describe, expect, it } from 'vitest';
import { defaultCouncil } from '../../core/routing/test-council';
import { NO_DUE_DATE, type Message, type Template, type Ticket } from '../../core/schemas';
import { SUGGEST_TEXT_LIMIT } from '../../core/templates';
import { citizenText, pendingBlanks, replyValues, templateDraft, templateIndexFor, withTemplate } from './template-reply';

const council = defaultCouncil();
const urbanismo = council.departments.find((department) => department.id === 'urbanismo')!;
const T0 = Date.UTC(2025, 3, 8, 8, 0); // Tuesday 8 April 2025, 10:00 in Madrid
const ticket = (changes: Partial<Ticket> = {}): Ticket => ({ id: 't1', reference: 'VDP-2025-000123', subject: 'Licencia de obra', departmentId: 'urbanismo', createdAt: T0, dueAt: Date.UTC(2025, 6, 1, 21, 59), ...changes }) as Ticket;
const message = (kind: Message['kind'], text: string, changes: Partial<Message> = {}): Message => ({ id: `${kind}-${text}`, kind, ticketId: 't1', citizenId: 'c1', text, attachments: [], createdAt: T0, auto: false, ...changes });
const facts = { calendars: council.calendars, departments: council.departments, clerkName: 'Lucía Fernández Soto', language: 'es' };
const label = (variable: string) => ({ 'ticket.dueDate': 'fecha límite', 'council.name': 'nombre del ayuntamiento' })[variable] ?? variable;

describe('what the ticket asks, for the suggestions', () => {
  it('is what the citizen wrote or said, newest first, leaving out replies, notes and machines', () => {
    const thread = [
      message('email_in', 'Quiero una licencia de obra', { subject: 'Obra menor' }),
      message('email_out', 'Le adjuntamos el formulario', { authorId: 'u1' }),
      message('note', 'Pedir presupuesto', { authorId: 'u1' }),
      message('email_in', 'Fuera de la oficina', { auto: true }),
      message('phone_call', 'Llama para preguntar por el plazo', { authorId: 'u1' }),
      message('chat', 'Le atiendo enseguida', { authorId: 'u1' }),
      message('chat', '¿Y el ICIO?'),
    ];
    expect(citizenText(thread)).toBe('¿Y el ICIO?\n\nLlama para preguntar por el plazo\n\nObra menor\nQuiero una licencia de obra');
  });

  it('reads a long thread from the newest message only as far as the suggestions match', () => {
    const thread = Array.from({ length: 300 }, (_, i) => message('email_in', `${i} ${'x'.repeat(999)}`));
    const text = citizenText(thread);
    expect(text.startsWith('299 ')).toBe(true);
    expect(text.length).toBeGreaterThanOrEqual(SUGGEST_TEXT_LIMIT);
    expect(text.length).toBeLessThan(SUGGEST_TEXT_LIMIT + 1_100);
  });
});

describe('the suggestion index', () => {
  it('is built once per set of templates, whatever array holds them', () => {
    const first = templateIndexFor(council.templates);
    expect(templateIndexFor([...council.templates])).toBe(first);
    const edited: Template[] = council.templates.map((template, i) => (i === 0 ? { ...template, title: 'Otro', updatedAt: template.updatedAt + 1 } : template));
    const second = templateIndexFor(edited);
    expect(second).not.toBe(first);
    expect(second.entries.get(edited[0]!.id)?.template.title).toBe('Otro');
  });
});

describe('a template in the reply box', () => {
  const acknowledgement = council.templates.find((template) => template.id === 'tpl-acuse-recibo-urb-es')!;

  it('fills the ticket\'s values, dates as a letter writes them in the calendar\'s zone', () => {
    const values = replyValues({ ...facts, ticket: ticket(), department: urbanismo, councilName: 'Ayuntamiento de Villanueva del Prado', citizen: { name: 'Rosa Delgado Pardo' } as never });
    expect(values).toMatchObject({
      'citizen.name': 'Rosa Delgado Pardo',
      'ticket.reference': 'VDP-2025-000123',
      'ticket.dueDate': '1 de julio de 2025',
      // Ten días hábiles from Tuesday 8 April 2025: Holy Thursday and Good Friday are holidays in Madrid.
      'ticket.responseDueDate': '24 de abril de 2025',
      'department.name': urbanismo.name,
      'clerk.name': 'Lucía Fernández Soto',
      'council.name': 'Ayuntamiento de Villanueva del Prado',
    });
    const draft = templateDraft(acknowledgement, values, label);
    expect(draft.ok && draft.value.blanks).toEqual([]);
    expect(draft.ok && draft.value.text).toContain('Rosa Delgado Pardo');
  });

  it('leaves a visible blank, never a gap, for what an intake ticket lacks, and knows when the clerk has filled it', () => {
    const values = replyValues({ ...facts, ticket: ticket({ departmentId: '', dueAt: NO_DUE_DATE }) });
    expect(values['ticket.dueDate']).toBeUndefined();
    expect(values['department.name']).toBeUndefined();
    const template = { ...acknowledgement, body: 'Antes del {{ticket.dueDate}}.\n{{council.name}}', links: [] };
    const draft = templateDraft(template, values, label);
    expect(draft.ok && draft.value.text).toBe('Antes del [[fecha límite]].\n[[nombre del ayuntamiento]]');
    const blanks = draft.ok ? draft.value.blanks : [];
    expect(pendingBlanks('Antes del 3 de mayo.\n[[nombre del ayuntamiento]]', blanks).map((blank) => blank.variable)).toEqual(['council.name']);
  });

  it('replaces an empty box or an untouched template, and never throws away what the clerk wrote', () => {
    expect(withTemplate('  ', undefined, 'Plantilla')).toBe('Plantilla');
    expect(withTemplate('Plantilla A', 'Plantilla A', 'Plantilla B')).toBe('Plantilla B');
    expect(withTemplate('Le escribo porque…\n', 'Plantilla A', 'Plantilla B')).toBe('Le escribo porque…\n\nPlantilla B');
  });
});

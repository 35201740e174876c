import { describe, expect, it } from 'vitest';
import { NO_DUE_DATE, type TicketHistoryEntry } from '../../core/schemas';
import { createI18n } from '../i18n';
import { describeHistoryEntry, type HistoryNames } from './ticket-history';

const names: HistoryNames = {
  user: (id) => ({ u1: 'Ana Belén Rubio Sanz', u2: 'Carlos Navarro Gil' })[id],
  department: (id) => ({ urbanismo: 'Urbanismo' })[id],
};
const at = Date.UTC(2026, 10, 27, 9, 30); // 27 Nov 2026, 10:30 in Madrid
const entry = (changes: Partial<TicketHistoryEntry>): TicketHistoryEntry => ({ field: 'status', overwrittenAt: at, ...changes });
const spanish = createI18n('es');
const english = createI18n('en');
const describeIn = (language: 'es' | 'en', changes: Partial<TicketHistoryEntry>) => describeHistoryEntry(entry(changes), (language === 'es' ? spanish : english).t, language, names);

describe('a value a sync conflict overwrote, as the ticket screen shows it', () => {
  it('names the field and the value in the clerk\'s language, and who had set it', () => {
    expect(describeIn('es', { field: 'priority', value: 'urgent', by: 'u1' })).toBe('Prioridad: «Urgente», de Ana Belén Rubio Sanz');
    expect(describeIn('en', { field: 'priority', value: 'urgent', by: 'u1' })).toBe('Priority: “Urgent”, by Ana Belén Rubio Sanz');
    expect(describeIn('es', { field: 'status', value: 'pending' })).toBe('Estado: «Pendiente»');
  });

  it('shows people and departments by name, never by id', () => {
    expect(describeIn('es', { field: 'assigneeId', value: 'u2', by: 'u1' })).toBe('Asignado a: «Carlos Navarro Gil», de Ana Belén Rubio Sanz');
    expect(describeIn('es', { field: 'assigneeId', value: '' })).toBe('Asignado a: «Sin asignar»');
    expect(describeIn('es', { field: 'assigneeId', value: 'u-gone' })).toBe('Asignado a: «un usuario dado de baja»');
    expect(describeIn('es', { field: 'departmentId', value: 'urbanismo' })).toBe('Departamento: «Urbanismo»');
    expect(describeIn('es', { field: 'departmentId', value: '' })).toBe('Departamento: «Bandeja general»');
    expect(describeIn('en', { field: 'citizenId', value: 'cit-0001' })).toBe('Citizen: “another citizen”');
  });

  it('writes dates in the council\'s time zone and the language\'s format', () => {
    expect(describeIn('es', { field: 'dueAt', value: at })).toBe('Vence: «27 nov 2026, 10:30»');
    expect(describeIn('en', { field: 'dueAt', value: at })).toBe('Due: “Nov 27, 2026, 10:30 AM”');
    expect(describeIn('es', { field: 'dueAt', value: NO_DUE_DATE })).toBe('Vence: «Sin plazo»');
  });

  it('says "empty" for a value that was not there, and lists tags', () => {
    expect(describeIn('es', { field: 'category' })).toBe('Categoría: «vacío»');
    expect(describeIn('es', { field: 'tags', value: ['ruido', 'obras'] })).toBe('Etiquetas: «ruido, obras»');
    expect(describeIn('es', { field: 'tags', value: [] })).toBe('Etiquetas: «vacío»');
  });

  it('leaves an unknown author out rather than showing an id', () => {
    expect(describeIn('es', { field: 'subject', value: 'Ruido de obras', by: 'u-gone' })).toBe('Asunto: «Ruido de obras»');
  });
});

/** Valid documents of the council's collections (core/schemas), for the HTTP layer's tests. */
import type { Department, Message, Template, Ticket, User } from '../../core/schemas';
import type { DocumentState, PushRow } from '../../core/sync/replication-protocol';

const T0 = Date.UTC(2025, 2, 10, 8, 30);

type Pushed<T> = T & { _deleted: boolean };

export function ticketDoc(id: string, departmentId: string, fields: Partial<Ticket> = {}): Pushed<Ticket> {
  return {
    id,
    reference: `REF-${id.slice(0, 20)}`,
    subject: `Asunto ${id}`,
    status: 'new',
    priority: 'normal',
    channel: 'phone',
    departmentId,
    assigneeId: '',
    citizenId: '',
    createdAt: T0,
    updatedAt: T0,
    lastActivityAt: T0,
    dueAt: 8_640_000_000_000_000,
    tags: [],
    _deleted: false,
    ...fields,
  };
}

export function messageDoc(id: string, ticketId: string, fields: Partial<Message> = {}): Pushed<Message> {
  return { id, kind: 'note', ticketId, citizenId: '', text: `Nota ${id}`, attachments: [], createdAt: T0, auto: false, _deleted: false, ...fields };
}

export function departmentDoc(id: string, fields: Partial<Department> = {}): Pushed<Department> {
  return {
    id,
    name: `Departamento ${id}`,
    code: id.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 16) || 'D',
    mailAliases: [],
    sla: {},
    assignmentMode: 'manual',
    active: true,
    createdAt: T0,
    updatedAt: T0,
    _deleted: false,
    ...fields,
  };
}

export function userDoc(id: string, email: string, role: User['role'], departmentIds: string[], fields: Partial<User> = {}): Pushed<User> {
  return {
    id,
    name: `Usuario ${id}`,
    email,
    role,
    departmentIds,
    skills: [],
    language: 'es',
    active: true,
    away: false,
    createdAt: T0,
    updatedAt: T0,
    _deleted: false,
    ...fields,
  };
}

export function templateDoc(id: string, departmentId: string | undefined, fields: Partial<Template> = {}): Pushed<Template> {
  return {
    id,
    key: `plantilla-${id}`,
    ...(departmentId === undefined ? {} : { departmentId }),
    language: 'es',
    title: `Plantilla ${id}`,
    body: 'Su referencia es {{ticket.reference}}',
    links: [],
    active: true,
    createdAt: T0,
    updatedAt: T0,
    _deleted: false,
    ...fields,
  };
}

export const insertRow = (document: object): PushRow => ({ newDocumentState: document as DocumentState });

export const updateRow = (before: object, after: object): PushRow => ({
  assumedMasterState: before as DocumentState,
  newDocumentState: after as DocumentState,
});

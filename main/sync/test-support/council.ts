// A small council for the sync tests: one department, clerks and an administrator, and tickets
// as the screens write them.
import { createOwnedFolder, kindOfPrefix } from '../../../test-support/owned-folder';
import { NO_DUE_DATE, type Message, type Ticket } from '../../../core/schemas';
import type { CouncilSetup } from './central-server';

export const ANA = { email: 'ana@ayto.test', password: 'una contraseña larga de Ana' };
export const LUIS = { email: 'luis@ayto.test', password: 'una contraseña larga de Luis' };
export const ADMIN = { email: 'admin@ayto.test', password: 'una contraseña larga del admin' };

export const COUNCIL: CouncilSetup = {
  departments: [
    { id: 'urbanismo', name: 'Urbanismo', code: 'URB' },
    { id: 'padron', name: 'Padrón', code: 'PAD' },
  ],
  users: [
    { ...ANA, name: 'Ana Pérez', role: 'clerk', departmentIds: ['urbanismo'] },
    { ...LUIS, name: 'Luis Gil', role: 'clerk', departmentIds: ['urbanismo'] },
    { ...ADMIN, name: 'Administración', role: 'admin', departmentIds: [] },
  ],
};

export function ticket(id: string, at: number, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id,
    reference: `URB-${id.slice(-8)}`,
    subject: `Solicitud ${id}`,
    status: 'new',
    priority: 'normal',
    channel: 'visit',
    departmentId: 'urbanismo',
    assigneeId: '',
    citizenId: '',
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    dueAt: NO_DUE_DATE,
    tags: [],
    ...overrides,
  };
}

/** A note a clerk writes on a ticket at the counter. */
export function note(id: string, ticketId: string, at: number, text = `Visita presencial ${id}`): Message {
  return { id, kind: 'note', ticketId, citizenId: '', text, attachments: [], createdAt: at, auto: false };
}

/**
 * A temporary folder `prefix` + six characters (`ventanilla-<kind>-`), removed by `remove()` — or,
 * if the test process dies first, by its exit hook or the next run's sweep (test-support/owned-folder.ts).
 */
export function temporaryFolder(prefix: string): { folder: string; remove(): void } {
  const owned = createOwnedFolder(kindOfPrefix(prefix));
  return { folder: owned.path, remove: () => owned.remove() };
}

// For tests only: the documents several test files start from. Pure data, no side effects
// (unlike test-kit.ts, which turns on RxDB's dev-mode).
import { INTAKE_DEPARTMENT_ID, NO_DUE_DATE, UNASSIGNED, type Timestamp } from './fields';
import type { Ticket } from './tickets';

/** A mail to the general mailbox, not yet routed: intake queue, nobody on it, no deadline. */
export function intakeTicket(at: Timestamp, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: '01959c7e-2b40-7c3a-9f1e-4a2b8c0d1e2f',
    reference: '2025-000123',
    subject: 'Ruido nocturno en la calle Mayor',
    status: 'new',
    priority: 'normal',
    channel: 'email',
    departmentId: INTAKE_DEPARTMENT_ID,
    assigneeId: UNASSIGNED,
    citizenId: 'cit-0001',
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    dueAt: NO_DUE_DATE,
    tags: [],
    ...overrides,
  };
}

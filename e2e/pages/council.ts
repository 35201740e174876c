// The demo council of the e2e central server, as the tests need it: accounts by name, and the
// council's own writes (a mail arriving) pushed through the public replication API as the
// administrator — what main/mail will do when a mail comes in.
import { API_PATHS } from '../../core/sync/replication-protocol';
import { newId, newReference } from '../../core/ids';
import type { Message, Ticket } from '../../core/schemas';
import type { CentralServer } from '../fixtures';

export function accountNamed(server: CentralServer, name: string) {
  const account = server.council.accounts.find((candidate) => candidate.name === name);
  if (!account) throw new Error(`no demo account for ${name}`);
  return { ...account, password: server.council.password };
}

async function adminToken(server: CentralServer): Promise<string> {
  const admin = server.account('admin');
  const response = await fetch(`${server.url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
  const body = (await response.json()) as { accessToken?: string };
  if (!response.ok || !body.accessToken) throw new Error(`the administrator could not sign in (${response.status})`);
  return body.accessToken;
}

async function push(server: CentralServer, token: string, collection: string, documents: object[]): Promise<void> {
  const response = await fetch(`${server.url}${API_PATHS.push(collection)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(documents.map((document) => ({ newDocumentState: { ...document, _deleted: false } }))),
  });
  if (!response.ok) throw new Error(`push of ${collection} refused (${response.status}): ${await response.text()}`);
}

/** A mail arriving for a clerk: a new ticket in her department, assigned to her, with one email_in. */
export async function deliverMail(server: CentralServer, to: { id: string; departmentIds: string[] }, mail: { subject: string; text: string; html: string }): Promise<Ticket> {
  const token = await adminToken(server);
  const now = Date.now();
  const ticket: Ticket = {
    id: newId(now),
    reference: newReference(new Date(now).getUTCFullYear()),
    subject: mail.subject,
    status: 'open',
    priority: 'normal',
    channel: 'email',
    departmentId: to.departmentIds[0] ?? '',
    assigneeId: to.id,
    citizenId: '',
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    dueAt: 8_640_000_000_000_000,
    tags: [],
  };
  const message: Message = {
    id: newId(now + 1),
    kind: 'email_in',
    ticketId: ticket.id,
    citizenId: '',
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    email: { messageId: `${newId(now)}@remitente.example`, references: [], from: { address: 'remitente@remitente.example', name: 'Remitente' }, to: [{ address: 'registro@villanueva.example' }], cc: [], mailbox: 'registro@villanueva.example' },
    attachments: [],
    createdAt: now,
    auto: false,
  };
  await push(server, token, 'tickets', [ticket]);
  await push(server, token, 'messages', [message]);
  return ticket;
}

/** Tickets written as the council's own (a sync elsewhere, an import): pushed as the administrator. */
export async function pushTickets(server: CentralServer, tickets: Ticket[]): Promise<void> {
  await push(server, await adminToken(server), 'tickets', tickets);
}

import { describe, expect, it } from 'vitest';
import { generateCaseload } from '../../core/demo/caseload';
import { COLLECTION_NAMES, collections } from '../../core/schemas';
import { DOCUMENT_STATE_CHECKS } from '../../core/sync/replication-protocol';
import { councilTombstone } from './tombstones';

const caseload = generateCaseload({ tickets: 300, seed: 'tombstones' });

describe('tombstones of documents that left a scope', () => {
  it.each(COLLECTION_NAMES)('still validate against the %s schema, as the workstation checks every pulled document', (name) => {
    const trim = councilTombstone(name)!;
    const documents = caseload[name] as unknown as Record<string, unknown>[];
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      const tombstone = { ...trim({ ...document, _deleted: false }), _deleted: true };
      const checked = DOCUMENT_STATE_CHECKS[name](tombstone);
      if (!checked.ok) throw new Error(`${name} ${String(document.id)}: ${checked.error.message}`);
    }
  });

  it('keep nothing of what the citizen said or who they are', () => {
    const withCitizen = caseload.tickets.find((ticket) => ticket.citizenId !== '' && ticket.subject !== '' && ticket.tags.length > 0 && ticket.history === undefined)!;
    const citizen = caseload.citizens.find((candidate) => candidate.id === withCitizen.citizenId)!;
    const ticket = councilTombstone('tickets')!({ ...withCitizen, category: 'licencias', _deleted: false });
    expect(ticket).toEqual({
      id: withCitizen.id,
      reference: withCitizen.reference,
      subject: '',
      status: withCitizen.status,
      priority: withCitizen.priority,
      channel: withCitizen.channel,
      departmentId: withCitizen.departmentId,
      assigneeId: '',
      citizenId: '',
      createdAt: withCitizen.createdAt,
      updatedAt: withCitizen.updatedAt,
      lastActivityAt: withCitizen.lastActivityAt,
      dueAt: withCitizen.dueAt,
      tags: [],
    });

    const mail = caseload.messages.find((message) => message.kind === 'email_in' && message.email !== undefined && message.citizenId !== '')!;
    const message = councilTombstone('messages')!({ ...mail, _deleted: false });
    expect(message).toEqual({ id: mail.id, kind: mail.kind, ticketId: mail.ticketId, citizenId: '', text: '', attachments: [], createdAt: mail.createdAt, auto: mail.auto });
    const text = JSON.stringify([ticket, message]);
    for (const secret of [withCitizen.subject, mail.text.slice(0, 40), mail.email!.from.address, mail.citizenId, citizen.id]) expect(text).not.toContain(secret);
  });

  it('keep the schema-required fields of every collection, whatever the schema adds later', () => {
    for (const name of COLLECTION_NAMES) {
      const required = (collections[name].schema.required ?? []) as string[];
      const document = (caseload[name] as unknown as Record<string, unknown>[])[0]!;
      expect(Object.keys(councilTombstone(name)!({ ...document, _deleted: false })).sort()).toEqual([...new Set(['id', ...required])].sort());
    }
  });
});

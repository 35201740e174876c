/**
 * The replica a workstation benchmark runs on: a clerk's local database filled with a council's
 * caseload (core/demo), plus one ticket with a long thread, and the web host's state file saying
 * that this clerk works on it locally — so the web host reopens it at start, as after a restart.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { caseloadBatches, insertBatch } from '../core/demo/caseload';
import { newId, newReference } from '../core/ids';
import { NO_CITIZEN, type Message, type Ticket, type User } from '../core/schemas';
import { openLocalDatabase } from '../main/store/local-database';
import { progress } from './support';

export type BenchReplica = { clerk: User; longTicketId: string; tickets: number; messages: number };

const DATABASE = 'bench-clerk';
/** What buildReplica made, kept beside it so that a copy of the folder can be benchmarked again (useReplica). */
const DESCRIPTION = 'bench-replica.json';

/**
 * A copy of a replica built before (`--replica FOLDER`): minutes of generation saved per run, and
 * runs that compare like with like. A folder that does not exist yet is built first; the copy is
 * what the run uses (the service writes into its replica).
 */
export async function useReplica(saved: string, dataDir: string, tickets: number, threadLength: number): Promise<BenchReplica> {
  if (!existsSync(saved)) await buildReplica(saved, tickets, threadLength);
  const description = path.join(saved, DESCRIPTION);
  if (!existsSync(description)) throw new Error(`${saved} is not a benchmark replica (no ${DESCRIPTION}): give a new folder, which the benchmark builds, or one it built`);
  const replica = JSON.parse(readFileSync(description, 'utf8')) as BenchReplica;
  if (replica.tickets !== tickets + 1) progress(`note: ${saved} holds ${replica.tickets - 1} tickets, not the ${tickets} asked for`);
  cpSync(saved, dataDir, { recursive: true });
  return replica;
}

export async function buildReplica(dataDir: string, tickets: number, threadLength: number): Promise<BenchReplica> {
  const local = await openLocalDatabase({ directory: path.join(dataDir, 'replicas'), name: DATABASE, durability: 'normal' });
  try {
    const now = Date.now();
    let messages = 0;
    let written = 0;
    const started = performance.now();
    for (const batch of caseloadBatches({ seed: 'bench', tickets, now, batchSize: 5000 })) {
      await insertBatch(local.db, batch);
      if (batch.collection === 'messages') messages += batch.documents.length;
      written += batch.documents.length;
      if (batch.collection === 'tickets' || batch.collection === 'messages') progress(`replica: ${written} documents (${Math.round(written / ((performance.now() - started) / 1000))}/s)`);
    }
    const users = (await local.db.users.find().exec()).map((doc) => doc.toMutableJSON());
    // The clerk with the most departments among the clerks: the heaviest "mis departamentos".
    const clerk = users.filter((user) => user.role === 'clerk' && user.departmentIds.length > 0).sort((a, b) => b.departmentIds.length - a.departmentIds.length)[0]!;
    const ticket: Ticket = {
      id: newId(now),
      reference: newReference(new Date(now).getUTCFullYear()),
      subject: 'Expediente largo: reclamación de la comunidad de vecinos',
      status: 'open',
      priority: 'normal',
      channel: 'email',
      departmentId: clerk.departmentIds[0]!,
      assigneeId: clerk.id,
      citizenId: NO_CITIZEN,
      createdAt: now - threadLength * 3_600_000,
      updatedAt: now,
      lastActivityAt: now,
      dueAt: 8_640_000_000_000_000,
      tags: [],
    };
    await local.db.tickets.insert(ticket);
    const kinds = ['email_in', 'note', 'phone_call', 'email_out', 'visit'] as const;
    const thread: Message[] = Array.from({ length: threadLength }, (_, i) => {
      const kind = kinds[i % kinds.length]!;
      return {
        id: newId(ticket.createdAt + i * 3_600_000),
        kind,
        ticketId: ticket.id,
        citizenId: NO_CITIZEN,
        ...(kind !== 'email_in' && { authorId: clerk.id }),
        text: `Intervención ${i + 1}: la comunidad insiste en que la obra del número 12 invade la acera y pide una inspección antes del viernes.`,
        ...(kind === 'phone_call' && { call: { direction: 'inbound' as const, durationSeconds: 240 } }),
        ...(kind === 'visit' && { visit: { office: 'OAC Centro' } }),
        attachments: [],
        createdAt: ticket.createdAt + i * 3_600_000,
        auto: false,
      };
    });
    await local.db.messages.bulkInsert(thread);
    await local.searchCaughtUp();
    const state = {
      current: { mode: 'local', user: { id: clerk.id, name: clerk.name, email: clerk.email, role: clerk.role, departmentIds: clerk.departmentIds }, databaseName: DATABASE },
      settings: { language: 'es' },
      localUsers: {},
    };
    writeFileSync(path.join(dataDir, 'workstation-host.json'), JSON.stringify(state));
    const replica: BenchReplica = { clerk, longTicketId: ticket.id, tickets: tickets + 1, messages: messages + threadLength };
    writeFileSync(path.join(dataDir, DESCRIPTION), JSON.stringify(replica));
    return replica;
  } finally {
    await local.close();
  }
}

/**
 * The ceiling our storage is measured against (shared NOTES.md, "Ceilings measured here"): the
 * same caseload in plain better-sqlite3 tables with native columns and composite indexes, the
 * document as JSON beside them, and the same FTS5 design as main/store/search-index.ts (newest
 * 500 matches by rowid, ranked by bm25, one hit per ticket, a snippet each). No RxDB, no index
 * strings, no validation: the fastest these reads and writes can be on this machine in Node.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Citizen, Message, Ticket } from '../core/schemas';
import type { CaseloadBatch } from '../core/demo/caseload';
import { parseSearch } from '../core/text/spanish-search';
import { fileSize } from './support';

const RANK_WINDOW = 500;

export type RawHit = { ticketId: string; snippet: string; score: number };

export class RawCeiling {
  readonly file: string;
  readonly searchFile: string;
  private readonly db: Database.Database;
  private readonly fts: Database.Database;
  private readonly sql;

  constructor(folder: string) {
    this.file = path.join(folder, 'raw.sqlite');
    this.searchFile = path.join(folder, 'raw.search.sqlite');
    this.db = new Database(this.file);
    // The same settings as our storage (main/store/sqlite-connection.ts) and search index.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.exec(`
      CREATE TABLE tickets (
        id TEXT PRIMARY KEY, reference TEXT NOT NULL, status TEXT NOT NULL, department_id TEXT NOT NULL,
        assignee_id TEXT NOT NULL, citizen_id TEXT NOT NULL, created_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL, due_at INTEGER NOT NULL, data TEXT NOT NULL
      );
      CREATE INDEX t_reference ON tickets (reference);
      CREATE INDEX t_department_due ON tickets (department_id, status, due_at);
      CREATE INDEX t_department_activity ON tickets (department_id, status, last_activity_at);
      CREATE INDEX t_assignee_activity ON tickets (assignee_id, status, last_activity_at);
      CREATE INDEX t_status_activity ON tickets (status, last_activity_at);
      CREATE INDEX t_citizen_created ON tickets (citizen_id, created_at);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, citizen_id TEXT NOT NULL, created_at INTEGER NOT NULL, data TEXT NOT NULL
      );
      CREATE INDEX m_ticket_created ON messages (ticket_id, created_at);
      CREATE INDEX m_citizen_created ON messages (citizen_id, created_at);
      CREATE TABLE citizens (id TEXT PRIMARY KEY, document_number TEXT NOT NULL, name_key TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX c_document ON citizens (document_number);
      CREATE INDEX c_name ON citizens (name_key);
    `);
    this.fts = new Database(this.searchFile);
    this.fts.pragma('journal_mode = WAL');
    this.fts.pragma('synchronous = NORMAL');
    this.fts.exec(`CREATE VIRTUAL TABLE fts USING fts5(subject, body, ticket_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')`);
    const db = this.db;
    const page = (where: string, order: string) => db.prepare(`SELECT data FROM tickets WHERE ${where} ORDER BY ${order} LIMIT 50`).pluck();
    this.sql = {
      insertTicket: db.prepare('INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      insertMessage: db.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?)'),
      insertCitizen: db.prepare('INSERT INTO citizens VALUES (?, ?, ?, ?)'),
      insertText: this.fts.prepare('INSERT INTO fts (subject, body, ticket_id) VALUES (?, ?, ?)'),
      queue: page('department_id = ? AND status = ?', 'last_activity_at DESC'),
      queueActive: page(`department_id = ? AND status IN ('new', 'open', 'pending')`, 'last_activity_at DESC'),
      mine: page('assignee_id = ? AND status = ?', 'last_activity_at DESC'),
      mineActive: page(`assignee_id = ? AND status IN ('new', 'open', 'pending')`, 'last_activity_at DESC'),
      unassigned: page(`department_id = ? AND assignee_id = '' AND status IN ('new', 'open', 'pending')`, 'last_activity_at DESC'),
      allOpen: page(`status = 'open'`, 'last_activity_at DESC'),
      overdue: page(`department_id = ? AND status = 'open' AND due_at < ?`, 'due_at ASC'),
      reference: db.prepare('SELECT data FROM tickets WHERE reference = ?').pluck(),
      citizenTickets: page('citizen_id = ?', 'created_at DESC'),
      thread: db.prepare('SELECT data FROM messages WHERE ticket_id = ? ORDER BY created_at ASC').pluck(),
      citizenMessages: db.prepare('SELECT data FROM messages WHERE citizen_id = ? ORDER BY created_at DESC LIMIT 50').pluck(),
      count: db.prepare('SELECT count(*) FROM tickets WHERE department_id = ? AND status = ?').pluck(),
      countOverdue: db.prepare(`SELECT count(*) FROM tickets WHERE department_id = ? AND status = 'open' AND due_at < ?`).pluck(),
      candidates: this.fts.prepare(`SELECT rowid, ticket_id AS ticketId, bm25(fts, 2.0, 1.0) AS score FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ${RANK_WINDOW}`),
      snippet: this.fts.prepare(`SELECT snippet(fts, -1, '[', ']', '…', 16) FROM fts WHERE fts MATCH ? AND rowid = ?`).pluck(),
    };
  }

  /** Writes a batch in one transaction (documents, then their text in the search file). */
  insert(batch: CaseloadBatch): void {
    const { sql } = this;
    if (batch.collection === 'tickets') {
      this.db.transaction((tickets: Ticket[]) => {
        for (const t of tickets) {
          sql.insertTicket.run(t.id, t.reference, t.status, t.departmentId, t.assigneeId, t.citizenId, t.createdAt, t.lastActivityAt, t.dueAt, JSON.stringify(t));
        }
      })(batch.documents);
      this.fts.transaction((tickets: Ticket[]) => {
        for (const t of tickets) sql.insertText.run(t.subject, '', t.id);
      })(batch.documents);
    } else if (batch.collection === 'messages') {
      this.db.transaction((messages: Message[]) => {
        for (const m of messages) sql.insertMessage.run(m.id, m.ticketId, m.citizenId, m.createdAt, JSON.stringify(m));
      })(batch.documents);
      this.fts.transaction((messages: Message[]) => {
        for (const m of messages) sql.insertText.run(m.subject ?? '', m.text, m.ticketId);
      })(batch.documents);
    } else if (batch.collection === 'citizens') {
      this.db.transaction((citizens: Citizen[]) => {
        for (const c of citizens) sql.insertCitizen.run(c.id, c.documentNumber, c.nameKey, JSON.stringify(c));
      })(batch.documents);
    }
  }

  private parse<T>(rows: unknown[]): T[] {
    return (rows as string[]).map((data) => JSON.parse(data) as T);
  }

  queue(departmentId: string, status: string): Ticket[] {
    return this.parse(this.sql.queue.all(departmentId, status));
  }
  queueActive(departmentId: string): Ticket[] {
    return this.parse(this.sql.queueActive.all(departmentId));
  }
  mine(assigneeId: string, status: string): Ticket[] {
    return this.parse(this.sql.mine.all(assigneeId, status));
  }
  mineActive(assigneeId: string): Ticket[] {
    return this.parse(this.sql.mineActive.all(assigneeId));
  }
  unassigned(departmentId: string): Ticket[] {
    return this.parse(this.sql.unassigned.all(departmentId));
  }
  allOpen(): Ticket[] {
    return this.parse(this.sql.allOpen.all());
  }
  overdue(departmentId: string, now: number): Ticket[] {
    return this.parse(this.sql.overdue.all(departmentId, now));
  }
  byReference(reference: string): Ticket[] {
    return this.parse(this.sql.reference.all(reference));
  }
  citizenTickets(citizenId: string): Ticket[] {
    return this.parse(this.sql.citizenTickets.all(citizenId));
  }
  thread(ticketId: string): Message[] {
    return this.parse(this.sql.thread.all(ticketId));
  }
  citizenMessages(citizenId: string): Message[] {
    return this.parse(this.sql.citizenMessages.all(citizenId));
  }
  count(departmentId: string, status: string): number {
    return this.sql.count.get(departmentId, status) as number;
  }
  countOverdue(departmentId: string, now: number): number {
    return this.sql.countOverdue.get(departmentId, now) as number;
  }

  search(text: string, limit = 20): RawHit[] {
    const { match } = parseSearch(text);
    if (!match) return [];
    const candidates = this.sql.candidates.all(match) as { rowid: number; ticketId: string; score: number }[];
    candidates.sort((a, b) => a.score - b.score || b.rowid - a.rowid);
    const hits: RawHit[] = [];
    const seen = new Set<string>();
    for (const candidate of candidates) {
      if (hits.length >= limit) break;
      if (seen.has(candidate.ticketId)) continue;
      seen.add(candidate.ticketId);
      hits.push({ ticketId: candidate.ticketId, snippet: this.sql.snippet.get(match, candidate.rowid) as string, score: candidate.score });
    }
    return hits;
  }

  /** Bytes of the data file and of the search file, after a checkpoint. */
  sizes(): { data: number; search: number } {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.fts.pragma('wal_checkpoint(TRUNCATE)');
    return { data: fileSize(this.file), search: fileSize(this.searchFile) };
  }

  close(): void {
    this.db.close();
    this.fts.close();
  }
}

/**
 * What a workstation receives for a document that left its scope (a ticket moved to another
 * department, with its messages; a ticket its clerk created straight into another department).
 *
 * RxDB needs a deleted document that still validates against the collection's schema (the
 * workstation's storage is wrapped by RxDB's ajv validator, and core's DOCUMENT_STATE_CHECKS read
 * every pulled document). It does not need the citizen's data, and the clerk who lost the ticket
 * has no right to what happens to it next. So a tombstone keeps the primary key and the fields
 * the schema requires, nothing optional (history, e-mail headers, bodies, category…), and blanks
 * the required fields that hold what a citizen said or who they are. What remains — the id, the
 * reference, status, priority, channel, the department it went to and its timestamps — is what the
 * clerk's office saw of the case anyway, and is enough to say "moved to Urbanismo".
 *
 * The trimmed copy is what the workstation stores as its deleted document: the citizen's data
 * leaves the replica with the ticket, not only the inbox.
 */
import type { RxJsonSchema } from 'rxdb';
import { COLLECTION_NAMES, collections } from '../../core/schemas';
import type { ReplicatedDocument } from '../db/index';

/**
 * Required fields that carry the citizen's data, and the neutral value each takes in a tombstone
 * (a value the schema accepts: '' is "no citizen", "unassigned", an empty subject or body).
 * Collections whose documents never leave a scope (citizens, users, departments, calendars: seen
 * by everyone) need none; templates and rules hold no citizen data.
 */
const BLANKS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  tickets: { subject: '', citizenId: '', assigneeId: '', tags: [] },
  messages: { citizenId: '', text: '', attachments: [] },
};

export type TombstoneTrimmer = (stored: ReplicatedDocument) => Record<string, unknown>;

/** The trimmer of a collection: primary key and required fields, blanked where they hold citizen data. */
export function tombstoneTrimmer(collection: string, schema: RxJsonSchema<unknown>): TombstoneTrimmer {
  const primaryKey = typeof schema.primaryKey === 'string' ? schema.primaryKey : schema.primaryKey.key;
  const required = (schema.required ?? []) as readonly string[];
  const kept = [...new Set([primaryKey, ...required])];
  const blanks = BLANKS[collection] ?? {};
  return (stored) => {
    const trimmed: Record<string, unknown> = {};
    for (const field of kept) {
      if (!(field in stored)) continue;
      trimmed[field] = field in blanks ? structuredClone(blanks[field]) : stored[field];
    }
    return trimmed;
  };
}

/** The council's collections' trimmers. */
const COUNCIL_TOMBSTONES: ReadonlyMap<string, TombstoneTrimmer> = new Map(
  COLLECTION_NAMES.map((name) => [name, tombstoneTrimmer(name, collections[name].schema as RxJsonSchema<unknown>)]),
);

/**
 * The trimmer of one of the council's collections, for the pull route and the change stream;
 * undefined for any other (collections served only in tests, whose documents everyone sees and
 * so never leave a scope): their tombstones would carry the stored body.
 */
export function councilTombstone(collection: string): TombstoneTrimmer | undefined {
  return COUNCIL_TOMBSTONES.get(collection);
}

// Building blocks shared by the collection schemas: ids, timestamps, sentinels, addresses.
// Conventions and the reason for each are in docs/schemas.md.
import type { JsonSchema } from 'rxdb';

/**
 * Longest id of any document. UUIDv7 (36 chars) and ULID (26) fit, and so does an id derived
 * from a mail's Message-ID (a SHA-256 prefix written in 40 hex or base32 characters).
 * RxDB needs a maxLength on the primary key and on every indexed string; the index key of a
 * row is built from these lengths, so they stay as small as the data allows.
 */
export const ID_MAX_LENGTH = 40;

/** Milliseconds since 1970-01-01T00:00:00Z, an integer. */
export type Timestamp = number;

/** The largest time a JavaScript `Date` can hold (ECMA-262 §21.4.1.1): 275760-09-13. */
export const TIMESTAMP_MAX: Timestamp = 8_640_000_000_000_000;

/**
 * The empty string stands for "none" in an indexed reference (RxDB indexes only work well
 * on required fields, so "absent" is not an option there). Non-indexed references are
 * simply left out instead.
 */
export const NONE = '';

/** `tickets.departmentId` of a ticket waiting in the general intake queue (bandeja general). */
export const INTAKE_DEPARTMENT_ID = NONE;

/** `tickets.assigneeId` of a ticket no clerk has taken. */
export const UNASSIGNED = NONE;

/** `tickets.citizenId` / `messages.citizenId` when nobody outside the council is involved. */
export const NO_CITIZEN = NONE;

/**
 * `tickets.dueAt` of a ticket without a deadline: the largest timestamp, so that "due before
 * X" never matches it and "soonest due first" lists it last.
 */
export const NO_DUE_DATE: Timestamp = TIMESTAMP_MAX;

/** Primary key of every collection. */
export const idProperty = {
  type: 'string',
  minLength: 1,
  maxLength: ID_MAX_LENGTH,
} as const satisfies JsonSchema;

/** A reference to another document that is part of an index: '' ({@link NONE}) or an id. */
export const indexedRefProperty = {
  type: 'string',
  maxLength: ID_MAX_LENGTH,
} as const satisfies JsonSchema;

/** A reference to another document, left out when there is none. */
export const refProperty = idProperty;

/**
 * A point in time. Integer milliseconds, with the bounds and step RxDB requires of an
 * indexed number (https://rxdb.info/rx-schema.html#indexes), so any timestamp can be indexed.
 */
export const timestampProperty = {
  type: 'integer',
  minimum: 0,
  maximum: TIMESTAMP_MAX,
  multipleOf: 1,
} as const satisfies JsonSchema;

/**
 * A language as a BCP 47 tag: 'es', 'en', 'ca', 'eu', 'gl', or a variant such as
 * 'ca-ES-valencia'. Which languages a council offers is data, not schema.
 */
export const languageProperty = {
  type: 'string',
  minLength: 2,
  maxLength: 35,
  pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
} as const satisfies JsonSchema;

/**
 * An email address, lower-cased by whoever writes it. Only its shape is checked here: real
 * mail carries addresses that strict validators reject, and refusing the document would lose
 * the message. 254 is the longest address SMTP can carry (RFC 5321 §4.5.3.1, errata 1690).
 */
export const emailAddressProperty = {
  type: 'string',
  maxLength: 254,
  pattern: '^[^\\s@]+@[^\\s@]+$',
} as const satisfies JsonSchema;

/** A phone number in E.164 form (ITU-T E.164): '+34600123456'. */
export const phoneNumberProperty = {
  type: 'string',
  maxLength: 16,
  pattern: '^\\+[1-9][0-9]{6,14}$',
} as const satisfies JsonSchema;

/** A short label: a tag, a skill, a category. */
export const labelProperty = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
} as const satisfies JsonSchema;

/** A list of distinct labels. */
export const labelListProperty = {
  type: 'array',
  maxItems: 64,
  uniqueItems: true,
  items: labelProperty,
} as const satisfies JsonSchema;

/** A list of distinct document ids. */
export const refListProperty = {
  type: 'array',
  maxItems: 256,
  uniqueItems: true,
  items: idProperty,
} as const satisfies JsonSchema;

/** A string property limited to the values of a const tuple, with the maxLength an index needs. */
export function enumProperty<const T extends readonly string[]>(values: T) {
  return {
    type: 'string',
    enum: values,
    maxLength: Math.max(...values.map((value) => value.length)),
  } as const satisfies JsonSchema;
}

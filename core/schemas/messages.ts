// A message is one interaction with a citizen, on any channel, or a clerk's internal note.
// Messages are immutable: written once, never edited, so replication never sees them conflict.
// Why each index exists is in docs/schemas.md#messages.
import type { JsonSchema, RxJsonSchema } from 'rxdb';
import {
  emailAddressProperty,
  enumProperty,
  idProperty,
  indexedRefProperty,
  phoneNumberProperty,
  refProperty,
  timestampProperty,
  type Timestamp,
} from './fields';

export const MESSAGE_KINDS = ['email_in', 'email_out', 'note', 'phone_call', 'visit', 'web_form', 'chat'] as const;
/** `note`: internal to the council, never sent to the citizen. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** A mailbox as written in a header: `"Ana Ruiz" <ana@example.es>`. */
export type MailAddress = { address: string; name?: string };

/** The headers of a mail, as received or as sent. */
export type EmailFields = {
  /** The Message-ID header, without the angle brackets. */
  messageId: string;
  inReplyTo?: string;
  /** The References header, oldest first, without angle brackets. */
  references: string[];
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo?: MailAddress[];
  /** The council's mailbox the mail arrived in or left from (routing rules match on it). */
  mailbox: string;
  /** The Date header, when it had a valid one. */
  sentAt?: Timestamp;
};

/**
 * A file of the message. The bytes are a content-addressed blob on disk (main/mail, server/),
 * never in the database.
 */
export type AttachmentMeta = {
  /** SHA-256 of the content, lower-case hex: the blob's name. */
  sha256: string;
  /** The file name as sent; may be anything, never use it as a path. */
  name: string;
  mimeType: string;
  /** Bytes. */
  size: number;
  /** Content-ID of an inline image, referenced as cid: from the HTML. */
  contentId?: string;
};

export const OUTBOX_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
/**
 * Where an `email_out` stands: `queued` (waiting for its turn or for the mail server), `sending`
 * (handed to SMTP; a restart finds it here only after a crash), `sent` (the mail server took it),
 * `failed` (refused for good, or given up on; `error` says why in words). main/mail/outbox.
 */
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * The outbox part of an `email_out` message: the only part of a message that changes after it is
 * written, and only ever by the workstation that owns it, so it replicates without conflicts
 * (core/sync/conflict-handlers.ts keeps the later of two states).
 */
export type OutboxFields = {
  state: OutboxState;
  /** The workstation that wrote the reply and alone sends it (its stable id, not a user). */
  workstationId: string;
  /** SMTP attempts so far. */
  attempts: number;
  /** When the state last changed (the owner's clock): the later state wins a replication conflict. */
  changedAt: Timestamp;
  /** When a `queued` message may be tried again (after a failed attempt). */
  nextAttemptAt?: Timestamp;
  /** When the mail server took it. */
  sentAt?: Timestamp;
  /** Why the last attempt failed, in words; kept after a later success for the record. */
  error?: string;
};

export type CallFields = {
  direction: CallDirection;
  /** The citizen's number; absent when the caller hid it. */
  phoneNumber?: string;
  durationSeconds?: number;
};

export type VisitFields = {
  /** The office or desk where the citizen was seen (e.g. 'OAC Centro'). */
  office?: string;
  durationSeconds?: number;
};

export type Message = {
  /**
   * For mail (`email_in`, `email_out`), derived from the Message-ID header (core's ids module),
   * so the same mail gives the same document on every workstation and a reply is threaded by
   * looking up the id derived from its In-Reply-To / References. Otherwise a UUIDv7/ULID.
   */
  id: string;
  kind: MessageKind;
  /** Keep the name: the full-text search and the thread query use it. Never changes. */
  ticketId: string;
  /** citizens.id; '' (NO_CITIZEN) for notes and other messages without a citizen. */
  citizenId: string;
  /** Clerk (users.id) who wrote, called or attended; absent for what the citizen sent. */
  authorId?: string;
  /** Subject of a mail or a web form. */
  subject?: string;
  /** The plain-text body; the full-text search indexes it, keep the name. May be ''. */
  text: string;
  /** The HTML body as received or sent (hostile: sanitise before showing it). */
  html?: string;
  email?: EmailFields;
  call?: CallFields;
  visit?: VisitFields;
  attachments: AttachmentMeta[];
  /**
   * When the interaction happened. For mail, taken from the message itself (the IMAP
   * INTERNALDATE) and not from the local clock, so every workstation writes the same value.
   */
  createdAt: Timestamp;
  /**
   * Written by a machine, not a person: an auto-reply (Auto-Submitted, RFC 3834), a bounce, an
   * out-of-office, or one of ours. Automatic mail never gets an automatic answer.
   */
  auto: boolean;
  /** messages.id of our `email_out` that this delivery-failure report is about. */
  bounceOf?: string;
  /** Only on `email_out`: where it stands in the sending workstation's outbox. */
  outbox?: OutboxFields;
};

/** A header value such as a Message-ID: at most one 998-character line (RFC 5322 §2.1.1). */
const headerValue = { type: 'string', minLength: 1, maxLength: 998 } as const satisfies JsonSchema;

const mailAddress = {
  type: 'object',
  additionalProperties: false,
  properties: {
    address: emailAddressProperty,
    name: { type: 'string', maxLength: 256 },
  },
  required: ['address'],
} as const satisfies JsonSchema;

const mailAddressList = { type: 'array', maxItems: 500, items: mailAddress } as const satisfies JsonSchema;

const durationSeconds = { type: 'integer', minimum: 0, maximum: 86_400 } as const satisfies JsonSchema;

export const messageSchema: RxJsonSchema<Message> = {
  title: 'messages',
  description: 'One interaction with a citizen (mail, call, visit, web form, chat) or an internal note.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    kind: { ...enumProperty(MESSAGE_KINDS), final: true },
    ticketId: { ...idProperty, final: true },
    citizenId: indexedRefProperty,
    authorId: refProperty,
    subject: { type: 'string', maxLength: 1000 },
    // Bodies beyond these sizes are cut by whoever writes them; the raw mail stays in the spool.
    text: { type: 'string', maxLength: 1_000_000 },
    html: { type: 'string', maxLength: 5_000_000 },
    email: {
      type: 'object',
      additionalProperties: false,
      properties: {
        messageId: headerValue,
        inReplyTo: headerValue,
        references: { type: 'array', maxItems: 500, items: headerValue },
        from: mailAddress,
        to: mailAddressList,
        cc: mailAddressList,
        replyTo: mailAddressList,
        mailbox: emailAddressProperty,
        sentAt: timestampProperty,
      },
      required: ['messageId', 'references', 'from', 'to', 'cc', 'mailbox'],
    },
    call: {
      type: 'object',
      additionalProperties: false,
      properties: {
        direction: enumProperty(CALL_DIRECTIONS),
        phoneNumber: phoneNumberProperty,
        durationSeconds,
      },
      required: ['direction'],
    },
    visit: {
      type: 'object',
      additionalProperties: false,
      properties: {
        office: { type: 'string', minLength: 1, maxLength: 128 },
        durationSeconds,
      },
    },
    attachments: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          name: { type: 'string', maxLength: 1024 },
          mimeType: { type: 'string', minLength: 1, maxLength: 255 },
          size: { type: 'integer', minimum: 0 },
          contentId: headerValue,
        },
        required: ['sha256', 'name', 'mimeType', 'size'],
      },
    },
    createdAt: { ...timestampProperty, final: true },
    auto: { type: 'boolean' },
    bounceOf: refProperty,
    outbox: {
      type: 'object',
      additionalProperties: false,
      properties: {
        state: enumProperty(OUTBOX_STATES),
        workstationId: idProperty,
        attempts: { type: 'integer', minimum: 0, maximum: 1_000_000 },
        changedAt: timestampProperty,
        nextAttemptAt: timestampProperty,
        sentAt: timestampProperty,
        error: { type: 'string', maxLength: 2000 },
      },
      required: ['state', 'workstationId', 'attempts', 'changedAt'],
    },
  },
  required: ['id', 'kind', 'ticketId', 'citizenId', 'text', 'attachments', 'createdAt', 'auto'],
  indexes: [
    // A ticket's thread in time order.
    ['ticketId', 'createdAt'],
    // Everything a citizen has told the council, newest first (the citizen card).
    ['citizenId', 'createdAt'],
  ],
};

// The mail channel's pure side: ids from Message-IDs, subjects, senders, reports, threading and
// the documents a received mail becomes (ingestion); outgoing mail and loop rules (sending).
// main/mail does the I/O. docs/mail.md.
export * from './message-ids';
export * from './subject';
export * from './senders';
export * from './reports';
export * from './threading';
export * from './documents';
export * from './outgoing';
export * from './loops';

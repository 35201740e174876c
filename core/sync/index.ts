// Replication with the central server: the wire protocol both sides speak, and the conflict
// resolution the workstation applies. Pure: no I/O here; main/sync and server/ do the talking.
export * from './replication-protocol';
export * from './ticket-merge';
export * from './citizen-merge';
export * from './conflict-handlers';
export * from './json-value';

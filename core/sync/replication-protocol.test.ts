import { describe, expect, it } from 'vitest';
import { intakeTicket } from '../schemas/test-fixtures';
import type { Ticket } from '../schemas/tickets';
import {
  API_ERROR_CODES,
  API_ERROR_STATUS,
  API_PATHS,
  CHECKPOINT_ID_MAX_LENGTH,
  DOCUMENT_STATE_CHECKS,
  PULL_LIMIT_DEFAULT,
  PULL_LIMIT_MAX,
  PUSH_ROWS_MAX,
  REPLICATED_COLLECTIONS,
  STREAM_HEARTBEAT,
  apiErrorBody,
  apiErrorFromResponse,
  compareCheckpoints,
  decidePushRow,
  encodeStreamEvent,
  isAfterCheckpoint,
  parseCollectionName,
  parseLoginRequest,
  parseLoginResponse,
  parsePullQuery,
  parsePullResponse,
  parsePushResponse,
  parsePushRows,
  parseRefreshRequest,
  parseRefreshResponse,
  parseStreamEvent,
  pullQueryString,
  sameDocumentState,
  type StreamEvent,
} from './replication-protocol';
import { COLLECTION_NAMES } from '../schemas';

const T0 = Date.UTC(2025, 2, 17, 9, 0, 0);

function ticket(overrides: Partial<Ticket> = {}): Ticket & { _deleted: boolean } {
  return { ...intakeTicket(T0, { id: 'tkt-1', subject: 'Ruido nocturno' }), _deleted: false, ...overrides };
}

/** The message of a refused check, or a failure if it was accepted. */
function refusal(result: { ok: true } | { ok: false; error: { code: string; message: string } }): string {
  if (result.ok) throw new Error('expected a refusal');
  return `${result.error.code}: ${result.error.message}`;
}

describe('collections and routes', () => {
  it('replicates every collection of the database', () => {
    expect(REPLICATED_COLLECTIONS).toEqual(COLLECTION_NAMES);
  });

  it('accepts a replicated collection and refuses an unknown one, naming the known ones', () => {
    expect(parseCollectionName('tickets')).toEqual({ ok: true, value: 'tickets' });
    expect(refusal(parseCollectionName('passwords'))).toBe(
      `unknown_collection: "passwords" is not a replicated collection: use one of ${COLLECTION_NAMES.join(', ')}`,
    );
    expect(parseCollectionName('human', ['human'])).toEqual({ ok: true, value: 'human' });
  });

  it('builds the paths of the API with the collection URL-encoded', () => {
    expect(API_PATHS.pull('tickets')).toBe('/api/v1/replication/tickets/pull');
    expect(API_PATHS.push('a/b')).toBe('/api/v1/replication/a%2Fb/push');
    expect(API_PATHS.stream).toBe('/api/v1/replication/stream');
  });
});

describe('checkpoints', () => {
  it('orders by updatedAt, then by id in UTF-8 byte order', () => {
    expect(compareCheckpoints({ updatedAt: 1, id: 'z' }, { updatedAt: 2, id: 'a' })).toBe(-1);
    expect(compareCheckpoints({ updatedAt: 2, id: 'b' }, { updatedAt: 2, id: 'a' })).toBe(1);
    // U+FFFD is EF BF BD in UTF-8, the emoji F0 9F 98 80: the emoji comes after, although its
    // first UTF-16 unit (D83D) is smaller.
    expect(compareCheckpoints({ updatedAt: 2, id: '\uFFFD' }, { updatedAt: 2, id: '😀' })).toBe(-1);
    expect(compareCheckpoints({ updatedAt: 2, id: 'Müller' }, { updatedAt: 2, id: 'Muller' })).toBe(1);
  });

  it('puts every document after no checkpoint and none after its own position', () => {
    expect(isAfterCheckpoint({ updatedAt: 0, id: 'a' }, null)).toBe(true);
    expect(isAfterCheckpoint({ updatedAt: 5, id: 'a' }, { updatedAt: 5, id: 'a' })).toBe(false);
    expect(isAfterCheckpoint({ updatedAt: 5, id: 'b' }, { updatedAt: 5, id: 'a' })).toBe(true);
  });
});

describe('parsePullQuery', () => {
  it('starts from the beginning with the default limit when the query is empty', () => {
    expect(parsePullQuery({})).toEqual({ ok: true, value: { checkpoint: null, limit: PULL_LIMIT_DEFAULT } });
    expect(parsePullQuery({ updatedAt: '', id: '', limit: '' })).toEqual({ ok: true, value: { checkpoint: null, limit: PULL_LIMIT_DEFAULT } });
  });

  it('reads a checkpoint and a limit', () => {
    expect(parsePullQuery({ updatedAt: '1742202000000', id: 'tkt-1', limit: '500' })).toEqual({
      ok: true,
      value: { checkpoint: { updatedAt: 1742202000000, id: 'tkt-1' }, limit: 500 },
    });
    expect(parsePullQuery({ updatedAt: '0', limit: String(PULL_LIMIT_MAX) })).toEqual({
      ok: true,
      value: { checkpoint: { updatedAt: 0, id: '' }, limit: PULL_LIMIT_MAX },
    });
  });

  it('carries ids with umlauts, brackets, quotes and emoji through the URL unchanged', () => {
    for (const id of ['Müller', '[a]&b=c', 'l\'"x"', '😀 ñ', 'a+b%20c']) {
      const query = { checkpoint: { updatedAt: 7, id }, limit: 50 };
      const parsed = Object.fromEntries(new URLSearchParams(pullQueryString(query)));
      expect(parsePullQuery(parsed)).toEqual({ ok: true, value: query });
    }
    expect(pullQueryString({ checkpoint: null, limit: 100 })).toBe('limit=100');
  });

  it.each([
    ['a negative limit', { limit: '-5' }, 'bad_request: query.limit must be empty or a whole number of documents from 1 to 1000, got "-5"'],
    ['a limit of zero', { limit: '0' }, 'bad_request: query.limit must be empty or a whole number of documents from 1 to 1000, got "0"'],
    ['a limit over the maximum', { limit: '5000' }, 'bad_request: query.limit must be a whole number of documents from 1 to 1000, got "5000"'],
    ['a limit with a fraction', { limit: '10.5' }, 'bad_request: query.limit must be empty or a whole number of documents from 1 to 1000, got "10.5"'],
    ['a non-numeric updatedAt', { updatedAt: 'yesterday', id: 'a' }, 'bad_request: query.updatedAt must be empty or the checkpoint\'s updatedAt, a whole number from 0, got "yesterday"'],
    ['an updatedAt in exponent notation', { updatedAt: '1e3', id: 'a' }, 'bad_request: query.updatedAt must be empty or the checkpoint\'s updatedAt, a whole number from 0, got "1e3"'],
    ['a negative updatedAt', { updatedAt: '-1', id: 'a' }, 'bad_request: query.updatedAt must be empty or the checkpoint\'s updatedAt, a whole number from 0, got "-1"'],
    ['an updatedAt beyond exact integers', { updatedAt: '9999999999999999', id: 'a' }, 'bad_request: query.updatedAt must be empty or the checkpoint\'s updatedAt, a whole number from 0 up to 9007199254740991, got "9999999999999999"'],
    ['an id without updatedAt', { id: 'tkt-1' }, 'bad_request: query.updatedAt is missing: a checkpoint is an updatedAt and an id, or neither'],
    ['a repeated parameter', { limit: ['10', '20'] }, 'bad_request: query.limit must be empty or a whole number of documents from 1 to 1000, got ["10","20"]'],
    ['an unknown parameter', { updated: '5' }, 'bad_request: query has a field it does not know: "updated"'],
    ['an id longer than any id', { updatedAt: '1', id: 'x'.repeat(CHECKPOINT_ID_MAX_LENGTH + 1) }, `bad_request: query.id must be empty or the checkpoint's id, at most ${CHECKPOINT_ID_MAX_LENGTH} characters, got "${'x'.repeat(76)}...`],
  ])('refuses %s with a clear message', (_case, query, message) => {
    expect(refusal(parsePullQuery(query))).toBe(message);
  });

  it('refuses a query that is not an object', () => {
    expect(refusal(parsePullQuery('limit=5'))).toBe('bad_request: query must be the query of the URL, got "limit=5"');
  });
});

describe('pull answers', () => {
  it('reads documents with the checkpoint of the last one, and an empty page', () => {
    const answer = { documents: [ticket()], checkpoint: { id: 'tkt-1', updatedAt: 3 } };
    expect(parsePullResponse(answer)).toEqual({ ok: true, value: answer });
    expect(parsePullResponse({ documents: [], checkpoint: null })).toMatchObject({ ok: true });
  });

  it('refuses documents without a checkpoint and a document without its _deleted flag', () => {
    expect(refusal(parsePullResponse({ documents: [ticket()], checkpoint: null }))).toMatch(/checkpoint is null although documents came/);
    const { _deleted: _, ...bare } = ticket();
    expect(refusal(parsePullResponse({ documents: [bare], checkpoint: { id: 'tkt-1', updatedAt: 3 } }))).toBe(
      'bad_request: pull answer.documents[0]._deleted is missing',
    );
    expect(refusal(parsePullResponse({ documents: [], checkpoint: { id: 'a', updatedAt: -1 } }))).toBe(
      'bad_request: pull answer.checkpoint.updatedAt must be a whole number from 0, got -1',
    );
  });
});

describe('push rows', () => {
  const row = { assumedMasterState: ticket(), newDocumentState: ticket({ status: 'open' }) };

  it('reads RxDB\'s write rows, with and without the assumed master state', () => {
    const rows = [row, { newDocumentState: ticket({ id: 'tkt-2' }) }];
    expect(parsePushRows(rows)).toEqual({ ok: true, value: rows });
    expect(parsePushRows([{ newDocumentState: { passportId: 'p1', _deleted: false } }], 'passportId')).toMatchObject({ ok: true });
  });

  it.each([
    ['a body that is not a list', { rows: [] }, 'bad_request: push must be a list of at most 500 write rows, got {"rows":[]}'],
    ['a row without its new state', [{ assumedMasterState: ticket() }], 'bad_request: push[0].newDocumentState is missing'],
    ['a row with a field RxDB never sends', [{ ...row, document: {} }], 'bad_request: push[0] has a field it does not know: "document"'],
    ['a state without _deleted', [{ newDocumentState: { id: 'tkt-1' } }], 'bad_request: push[0].newDocumentState._deleted is missing'],
    ['a document without an id', [{ newDocumentState: { _deleted: false } }], 'bad_request: push[0].newDocumentState.id must be the document\'s id, a non-empty string, got undefined'],
    ['an assumed state of another document', [{ assumedMasterState: ticket({ id: 'tkt-9' }), newDocumentState: ticket() }], 'bad_request: push[0].assumedMasterState.id must be the id of newDocumentState ("tkt-1"), got "tkt-9"'],
    ['the same document twice', [row, row], 'bad_request: push[1] writes document "tkt-1" a second time in one push'],
  ])('refuses %s', (_case, body, message) => {
    expect(refusal(parsePushRows(body))).toBe(message);
  });

  it('refuses more rows than one push may carry', () => {
    const rows = Array.from({ length: PUSH_ROWS_MAX + 1 }, (_, i) => ({ newDocumentState: ticket({ id: `t${i}` }) }));
    expect(refusal(parsePushRows(rows))).toMatch(/^bad_request: push must be a list of at most 500 write rows, got \[/);
  });

  it('reads the conflicts of a push answer', () => {
    expect(parsePushResponse([ticket()])).toMatchObject({ ok: true });
    expect(refusal(parsePushResponse({ conflicts: [] }))).toMatch(/^bad_request: push answer must be a list of conflicting documents/);
  });
});

describe('decidePushRow', () => {
  const held = ticket({ status: 'open', updatedAt: T0 + 1 });

  it('inserts a document the server does not hold', () => {
    expect(decidePushRow(undefined, { newDocumentState: ticket() })).toBe('insert');
  });

  it('updates when the workstation saw the state the server holds, whatever the order of its keys', () => {
    const reordered = Object.fromEntries(Object.entries(held).reverse());
    expect(decidePushRow(held, { assumedMasterState: reordered, newDocumentState: ticket({ status: 'pending' }) })).toBe('update');
  });

  it('answers a conflict when the workstation saw another state or none', () => {
    expect(decidePushRow(held, { assumedMasterState: ticket(), newDocumentState: ticket({ status: 'pending' }) })).toBe('conflict');
    expect(decidePushRow(held, { newDocumentState: ticket({ status: 'pending' }) })).toBe('conflict');
  });

  it('takes a push repeated after its answer was lost as done, not as a conflict', () => {
    expect(decidePushRow(held, { assumedMasterState: ticket(), newDocumentState: { ...held } })).toBe('unchanged');
  });

  it('ignores RxDB\'s local bookkeeping when comparing states', () => {
    expect(sameDocumentState(held, { ...held, _meta: { lwt: 1 }, _rev: '1-abc' })).toBe(true);
    expect(sameDocumentState(held, { ...held, subject: 'otro' })).toBe(false);
  });
});

describe('document checks', () => {
  it('accepts a valid ticket and refuses a forged one, with the invalid_document code', () => {
    expect(DOCUMENT_STATE_CHECKS.tickets(ticket())).toMatchObject({ ok: true });
    expect(refusal(DOCUMENT_STATE_CHECKS.tickets({ ...ticket(), passwordHash: 'x' }))).toBe(
      'invalid_document: tickets has a field it does not know: "passwordHash"',
    );
    expect(refusal(DOCUMENT_STATE_CHECKS.tickets(ticket({ status: 'abierto' as Ticket['status'] })))).toBe(
      'invalid_document: tickets.status must be equal to one of the allowed values, got "abierto"',
    );
    const { _deleted: _, ...bare } = ticket();
    expect(refusal(DOCUMENT_STATE_CHECKS.tickets(bare))).toBe('invalid_document: tickets._deleted is missing');
  });

  it('compiles the schema of every collection', () => {
    for (const name of COLLECTION_NAMES) {
      expect(DOCUMENT_STATE_CHECKS[name]({ _deleted: false })).toMatchObject({ ok: false, error: { code: 'invalid_document' } });
    }
  });
});

describe('stream events', () => {
  it('encodes an event as one SSE data line and reads it back', () => {
    const event: StreamEvent = { type: 'changes', collection: 'tickets', documents: [ticket({ subject: 'línea 1\nlínea 2' })], checkpoint: { id: 'tkt-1', updatedAt: 9 } };
    const frame = encodeStreamEvent(event);
    expect(frame.split('\n')).toHaveLength(3);
    expect(frame.startsWith('data: ')).toBe(true);
    expect(parseStreamEvent(frame.slice('data: '.length).trim())).toEqual({ ok: true, value: event });
    expect(parseStreamEvent('{"type":"resync"}')).toEqual({ ok: true, value: { type: 'resync' } });
    expect(STREAM_HEARTBEAT.startsWith(':')).toBe(true);
  });

  it('refuses an event of an unknown collection or type, and data that is not JSON', () => {
    expect(refusal(parseStreamEvent('{"type":"resync","collection":"passwords"}'))).toMatch(/^bad_request: stream event.collection: "passwords" is not a replicated collection/);
    expect(refusal(parseStreamEvent('{"type":"reload"}'))).toBe('bad_request: stream event.type must be "changes" or "resync", got "reload"');
    expect(refusal(parseStreamEvent('data: {'))).toBe('bad_request: stream event is not JSON: "data: {"');
    expect(refusal(parseStreamEvent('{"type":"changes","collection":"tickets","documents":[]}'))).toBe('bad_request: stream event.checkpoint is missing');
  });
});

describe('sign-in', () => {
  const tokens = {
    accessToken: 'a'.repeat(32),
    accessTokenExpiresAt: T0 + 15 * 60_000,
    refreshToken: 'r'.repeat(32),
    refreshTokenExpiresAt: T0 + 30 * 24 * 3_600_000,
  };

  it('reads a sign-in and its answer', () => {
    expect(parseLoginRequest({ email: 'ana@ayto.es', password: 'correct horse', workstation: 'OAC Centro 3' })).toMatchObject({ ok: true });
    const answer = { ...tokens, user: { id: 'usr-ana', name: 'Ana Ruiz', email: 'ana@ayto.es', role: 'clerk', departmentIds: ['urbanismo'] } };
    expect(parseLoginResponse(answer)).toEqual({ ok: true, value: answer });
    expect(parseRefreshRequest({ refreshToken: tokens.refreshToken })).toMatchObject({ ok: true });
    expect(parseRefreshResponse(tokens)).toMatchObject({ ok: true });
  });

  it('never repeats a password or a token in a refusal', () => {
    const secret = 's3cr3t-'.repeat(200);
    const message = refusal(parseLoginRequest({ email: 'ana@ayto.es', password: secret }));
    expect(message).toBe('bad_request: login.password must be a password of 1 to 1024 characters');
    expect(refusal(parseLoginRequest('hunter2'))).toMatch(/^bad_request: login must be an object \{email, password, workstation\?, workstationId\?, workstationSecret\?\}/);
    expect(refusal(parseRefreshRequest({ refreshToken: 'short' }))).toBe('bad_request: refresh.refreshToken must be a token of 16 to 4096 characters');
    // Nor the secret that proves a workstation.
    const workstationSecret = 'w0rkst4t10n-'.repeat(20);
    expect(refusal(parseLoginRequest({ email: 'ana@ayto.es', password: 'x', workstationId: 'puesto-3-abc', workstationSecret }))).not.toContain('w0rkst4t10n');
    expect(refusal(parseRefreshRequest({ refreshToken: 'r'.repeat(32), workstationSecret }))).not.toContain('w0rkst4t10n');
  });

  it('refuses a sign-in with a malformed e-mail or an unknown field', () => {
    expect(refusal(parseLoginRequest({ email: 'ana', password: 'x' }))).toBe('bad_request: login.email must be an e-mail address, got "ana"');
    expect(refusal(parseLoginRequest({ email: 'ana@ayto.es', password: 'x', admin: true }))).toBe('bad_request: login has a field it does not know: "admin"');
  });
});

describe('errors', () => {
  it('sends every error as {ok: false, error} with the status of its code', () => {
    expect(apiErrorBody({ code: 'token_expired', message: 'the access token expired' })).toEqual({
      status: 401,
      body: { ok: false, error: { code: 'token_expired', message: 'the access token expired' } },
    });
    for (const code of API_ERROR_CODES) expect(API_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('reads the server\'s error on the workstation, and falls back on the status for anything else', () => {
    expect(apiErrorFromResponse(403, { ok: false, error: { code: 'forbidden', message: 'outside your departments' } })).toEqual({
      code: 'forbidden',
      message: 'outside your departments',
    });
    expect(apiErrorFromResponse(401, { ok: false, error: { code: 'session_revoked', message: 'revoked' } })).toEqual({
      code: 'unauthenticated',
      message: 'revoked',
    });
    expect(apiErrorFromResponse(502, '<html>Bad Gateway</html>')).toEqual({
      code: 'unavailable',
      message: 'the server answered with HTTP status 502',
    });
  });
});

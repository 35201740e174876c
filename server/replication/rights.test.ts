import { describe, expect, it } from 'vitest';
import type { PushAuthorizationInput } from '../db/index';
import type { Actor } from '../auth/tokens';
import { canSee, collectionWriteRefusal, outboxStateCheck, outboxStateWrite, pusherOf, readScopes, rowWriteRefusal } from './rights';

const clerk: Actor = { userId: 'ana', role: 'clerk', departmentIds: ['urbanismo'] };
const supervisor: Actor = { userId: 'eva', role: 'supervisor', departmentIds: ['padron'] };
const admin: Actor = { userId: 'root', role: 'admin', departmentIds: [] };

const doc = (id: string, fields: Record<string, unknown> = {}) => ({ id, _deleted: false, ...fields });
function input(scope: string, stored: { scope: string; fields?: Record<string, unknown> } | null, fields: Record<string, unknown> = {}): PushAuthorizationInput {
  return { id: 'x', document: doc('x', fields), scope, stored: stored && { document: doc('x', stored.fields ?? { old: true }), scope: stored.scope } };
}
const insert = { newDocumentState: doc('x') };
const update = (assumed: Record<string, unknown>) => ({ assumedMasterState: doc('x', assumed), newDocumentState: doc('x') });

describe('rights', () => {
  it('reads a clerk’s departments and the intake queue, and everything for an administrator', () => {
    expect(readScopes(clerk)).toEqual(['urbanismo', '']);
    expect(readScopes(admin)).toBe('all');
    expect([canSee(clerk, 'urbanismo'), canSee(clerk, ''), canSee(clerk, '*'), canSee(clerk, 'padron')]).toEqual([true, true, true, false]);
  });

  it('records what a clerk creates out of their sight as leaving their first department, or the intake queue when they serve none', () => {
    const pusher = pusherOf({ userId: 'luis', role: 'clerk', departmentIds: ['urbanismo', 'padron'] })!;
    expect(pusher.exitScope).toBe('padron');
    expect([pusher.sees('urbanismo'), pusher.sees(''), pusher.sees('*'), pusher.sees('hacienda')]).toEqual([true, true, true, false]);
    expect(pusherOf({ userId: 'oac', role: 'clerk', departmentIds: [] })!.exitScope).toBe('');
    expect(pusherOf(supervisor)!.exitScope).toBe('padron');
    expect(pusherOf(admin)).toBeUndefined();
  });

  it('lets clerks create tickets in any department but change only those in their scope, moving them anywhere', () => {
    expect(rowWriteRefusal(clerk, 'tickets', input('padron', null), insert)).toBeNull();
    expect(rowWriteRefusal(clerk, 'tickets', input('padron', { scope: 'urbanismo' }), update({ old: true }))).toBeNull();
    expect(rowWriteRefusal(clerk, 'tickets', input('', { scope: '' }), update({ old: true }))).toBeNull();
    expect(rowWriteRefusal(clerk, 'tickets', input('urbanismo', { scope: 'padron' }), update({ old: true }))).toBe(
      'ticket "x" is in department "padron", which is not one of yours',
    );
    // A conflict would hand back the stored document: refused as well.
    expect(rowWriteRefusal(clerk, 'messages', input('padron', { scope: 'padron' }), insert)).toBe('message "x" is in department "padron", which is not one of yours');
    // A repeated push that writes nothing is not refused.
    expect(rowWriteRefusal(clerk, 'tickets', input('padron', { scope: 'padron', fields: {} }), insert)).toBeNull();
  });

  it('keeps templates and rules to supervisors of their own departments, council-wide ones to administrators', () => {
    // Everyone reads them (scope '*'); their departmentId says who writes them.
    const inDepartment = (departmentId?: string) => (departmentId === undefined ? {} : { departmentId });
    const row = (after?: string, before?: string | null): PushAuthorizationInput => ({
      id: 'x',
      document: doc('x', inDepartment(after)),
      scope: '*',
      stored: before === null || before === undefined ? null : { document: doc('x', { old: true, ...inDepartment(before) }), scope: '*' },
    });
    expect(collectionWriteRefusal(clerk, 'templates')).toBe('only supervisors and administrators write templates');
    expect(rowWriteRefusal(supervisor, 'templates', row('padron'), insert)).toBeNull();
    expect(rowWriteRefusal(supervisor, 'rules', row('padron', 'padron'), update({ old: true, departmentId: 'padron' }))).toBeNull();
    expect(rowWriteRefusal(supervisor, 'rules', row('urbanismo', 'padron'), update({ old: true, departmentId: 'padron' }))).toBe(
      'rule "x" would belong to department "urbanismo", which you do not supervise',
    );
    expect(rowWriteRefusal(supervisor, 'rules', row('padron', 'urbanismo'), update({ old: true, departmentId: 'urbanismo' }))).toBe(
      'rule "x" belongs to department "urbanismo", which you do not supervise',
    );
    expect(rowWriteRefusal(supervisor, 'templates', row(undefined), insert)).toBe('template "x" would belong to the whole council, which you do not supervise');
    expect(rowWriteRefusal(admin, 'templates', row(undefined), insert)).toBeNull();
  });

  it('keeps departments, users and calendars to administrators, and citizens open to everyone', () => {
    for (const collection of ['departments', 'users', 'calendars']) {
      expect(collectionWriteRefusal(supervisor, collection)).toBe(`only administrators write ${collection}`);
      expect(collectionWriteRefusal(admin, collection)).toBeNull();
    }
    expect(collectionWriteRefusal(clerk, 'citizens')).toBeNull();
    expect(rowWriteRefusal(clerk, 'citizens', input('*', { scope: '*' }), update({ old: true }))).toBeNull();
  });

  describe('a reply’s delivery state out of the clerk’s scope', () => {
    const outbox = { state: 'queued', workstationId: 'ws-1', attempts: 0, changedAt: 100 };
    const reply = { id: 'x', _deleted: false, kind: 'email_out', ticketId: 't', text: 'Hola', authorId: 'ana', auto: false, outbox };
    const push = (document: Record<string, unknown>, scope = 'padron', stored: Record<string, unknown> = reply): PushAuthorizationInput => ({ id: 'x', document: document as PushAuthorizationInput['document'], scope, stored: { document: stored as PushAuthorizationInput['document'], scope } });
    const sent = { ...reply, outbox: { ...outbox, state: 'sent', attempts: 1, sentAt: 150, changedAt: 200 } };
    const acknowledgement = { ...reply, auto: true, authorId: undefined };
    const acknowledgementSent = { ...sent, auto: true, authorId: undefined };
    /** Ana on the workstation whose outbox holds the reply, on another one, and in a session that never said. */
    const anaAtWs1: Actor = { ...clerk, workstationId: 'ws-1' };
    const anaAtWs2: Actor = { ...clerk, workstationId: 'ws-2' };
    const luisAtWs1: Actor = { userId: 'luis', role: 'clerk', departmentIds: ['urbanismo'], workstationId: 'ws-1' };
    const luisAtWs2: Actor = { ...luisAtWs1, workstationId: 'ws-2' };
    const outOfScope = 'message "x" is in department "padron", which is not one of yours';

    it('lets the author write it from the workstation that sends it, and nothing else', () => {
      expect(outboxStateCheck(anaAtWs1, 'messages', push(sent))).toBe('allowed');
      expect(outboxStateWrite(anaAtWs1, 'messages', push(sent))).toBe(true);
      expect(rowWriteRefusal(anaAtWs1, 'messages', push(sent), update(reply))).toBeNull();
      // In scope the ordinary rules apply; tickets and other messages never take this way.
      expect(outboxStateCheck(anaAtWs1, 'messages', push(sent, 'urbanismo'))).toBe('not-outbox-state');
      expect(outboxStateCheck(anaAtWs1, 'tickets', push(sent))).toBe('not-outbox-state');
      expect(outboxStateCheck(anaAtWs1, 'messages', push({ ...sent, kind: 'note' }, 'padron', { ...reply, kind: 'note' }))).toBe('not-outbox-state');
      // Anything besides the state, another owner, an older state, a deletion.
      expect(outboxStateCheck(anaAtWs1, 'messages', push({ ...sent, text: 'Otro' }))).toBe('not-outbox-state');
      expect(outboxStateCheck(anaAtWs1, 'messages', push({ ...sent, outbox: { ...sent.outbox, workstationId: 'ws-2' } }))).toBe('not-outbox-state');
      expect(outboxStateCheck(anaAtWs1, 'messages', push({ ...sent, outbox: { ...sent.outbox, changedAt: 100 } }))).toBe('not-outbox-state');
      expect(outboxStateCheck(anaAtWs1, 'messages', push({ ...sent, _deleted: true }))).toBe('not-outbox-state');
      expect(rowWriteRefusal(anaAtWs1, 'messages', push({ ...sent, text: 'Otro' }), update(reply))).toBe(outOfScope);
      // Another clerk, even on the workstation that sends it.
      expect(outboxStateCheck(luisAtWs1, 'messages', push(sent))).toBe('not-the-author');
      expect(rowWriteRefusal(luisAtWs1, 'messages', push(sent), update(reply))).toBe(outOfScope);
    });

    it('refuses the author on another workstation of theirs, saying the state is written where the reply is sent', () => {
      expect(outboxStateCheck(anaAtWs2, 'messages', push(sent))).toBe('other-workstation');
      expect(outboxStateWrite(anaAtWs2, 'messages', push(sent))).toBe(false);
      expect(rowWriteRefusal(anaAtWs2, 'messages', push(sent), update(reply))).toBe(
        `${outOfScope}; its delivery state is written only from the workstation that sends it, and this session is on another one`,
      );
    });

    it('refuses a session that does not say its workstation, asking to sign in again there', () => {
      expect(outboxStateCheck(clerk, 'messages', push(sent))).toBe('session-without-workstation');
      expect(rowWriteRefusal(clerk, 'messages', push(sent), update(reply))).toBe(
        `${outOfScope}; its delivery state is written only from the workstation that sends it, and this session does not say which workstation it is on: sign in again on that workstation`,
      );
    });

    it('lets only the workstation that ingested the mail write the state of an automatic answer, whoever is signed in on it', () => {
      const ack = (document: Record<string, unknown>) => push(document, 'padron', acknowledgement);
      expect(outboxStateCheck(luisAtWs1, 'messages', ack(acknowledgementSent))).toBe('allowed');
      expect(outboxStateCheck(anaAtWs1, 'messages', ack(acknowledgementSent))).toBe('allowed');
      expect(rowWriteRefusal(luisAtWs1, 'messages', ack(acknowledgementSent), update(acknowledgement))).toBeNull();
      // Another workstation, of another clerk or of the same one; a session that does not say.
      expect(outboxStateCheck(luisAtWs2, 'messages', ack(acknowledgementSent))).toBe('other-workstation');
      expect(outboxStateCheck(anaAtWs2, 'messages', ack(acknowledgementSent))).toBe('other-workstation');
      expect(outboxStateCheck({ ...luisAtWs1, workstationId: undefined }, 'messages', ack(acknowledgementSent))).toBe('session-without-workstation');
      // An outgoing mail with neither an author nor `auto` belongs to nobody.
      const orphan = { ...reply, authorId: undefined };
      expect(outboxStateCheck(luisAtWs1, 'messages', push({ ...sent, authorId: undefined }, 'padron', orphan))).toBe('not-the-author');
    });
  });
});

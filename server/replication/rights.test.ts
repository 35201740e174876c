import { describe, expect, it } from 'vitest';
import type { PushAuthorizationInput } from '../db/index';
import type { Actor } from '../auth/tokens';
import { canSee, collectionWriteRefusal, outboxStateWrite, pusherOf, readScopes, rowWriteRefusal } from './rights';

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

  it('lets the owner of a reply out of their scope write its delivery state and nothing else', () => {
    const outbox = { state: 'queued', workstationId: 'ws-1', attempts: 0, changedAt: 100 };
    const reply = { id: 'x', _deleted: false, kind: 'email_out', ticketId: 't', text: 'Hola', authorId: 'ana', auto: false, outbox };
    const push = (document: Record<string, unknown>, scope = 'padron', stored: Record<string, unknown> = reply): PushAuthorizationInput => ({ id: 'x', document: document as PushAuthorizationInput['document'], scope, stored: { document: stored as PushAuthorizationInput['document'], scope } });
    const sent = { ...reply, outbox: { ...outbox, state: 'sent', attempts: 1, sentAt: 150, changedAt: 200 } };
    expect(outboxStateWrite(clerk, 'messages', push(sent))).toBe(true);
    expect(rowWriteRefusal(clerk, 'messages', push(sent), update(reply))).toBeNull();
    // In scope the ordinary rules apply; tickets and other messages never take this way.
    expect(outboxStateWrite(clerk, 'messages', push(sent, 'urbanismo'))).toBe(false);
    expect(outboxStateWrite(clerk, 'tickets', push(sent))).toBe(false);
    expect(outboxStateWrite(clerk, 'messages', push({ ...sent, kind: 'note' }, 'padron', { ...reply, kind: 'note' }))).toBe(false);
    // Anything besides the state, another owner, an older state, a deletion, another author.
    expect(outboxStateWrite(clerk, 'messages', push({ ...sent, text: 'Otro' }))).toBe(false);
    expect(outboxStateWrite(clerk, 'messages', push({ ...sent, outbox: { ...sent.outbox, workstationId: 'ws-2' } }))).toBe(false);
    expect(outboxStateWrite(clerk, 'messages', push({ ...sent, outbox: { ...sent.outbox, changedAt: 100 } }))).toBe(false);
    expect(outboxStateWrite(clerk, 'messages', push({ ...sent, _deleted: true }))).toBe(false);
    expect(outboxStateWrite({ ...clerk, userId: 'luis' }, 'messages', push(sent))).toBe(false);
    // An automatic answer has no author: whoever ingested the mail, which the server cannot tell apart.
    const acknowledgement = { ...reply, auto: true, authorId: undefined };
    expect(outboxStateWrite({ ...clerk, userId: 'luis' }, 'messages', push({ ...sent, auto: true, authorId: undefined }, 'padron', acknowledgement))).toBe(true);
  });
});

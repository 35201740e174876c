// The backoff of the pushes of a reply's state while its ticket is away from the clerk's replica
// (away-state-pushes.ts): how long the outbox waits after each failed push, and what ends a wait.
// A real SMTP server; the central server's push route stands as a function (scope-exit.test.ts
// runs the real one), and the waits go through an alarm the test ends itself, so an hour of
// backoff takes no time.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../core/schemas/messages';
import { SyncError } from '../../sync/sync-errors';
import type { AwayStatePublisher } from './away-states';
import { OUTBOX_BACKOFF, type Outbox } from './outbox';
import { manualTime, replyIn, useOutboxWorkstation } from './test-support/outbox-fixtures';

const bed = useOutboxWorkstation();

const unreachable = () => new SyncError('offline', 'network', 'the server could not be reached (connect ECONNREFUSED 127.0.0.1:8443)');
const forbidden = () => new SyncError('refused', 'forbidden', 'no puede cambiar este mensaje');

/** The central server's push route as the test scripts it: each push is answered by `answer`. */
function centralServer(answer: (reply: Message) => 'stored' | Error) {
  const pushes: Message[] = [];
  const publish: AwayStatePublisher = (reply) => {
    pushes.push(reply);
    const answered = answer(reply);
    return answered instanceof Error ? Promise.reject(answered) : Promise.resolve(answered);
  };
  return { publish, pushes };
}

/**
 * Queues replies in a stopped outbox, takes them out of the replica as the central server does when
 * their ticket is routed to another department (the storage keeps them as deleted), and starts it.
 */
async function awayReplies(outbox: Outbox, count = 1): Promise<Message[]> {
  const queued: Message[] = [];
  for (let index = 0; index < count; index++) {
    queued.push(await outbox.queueReply(replyIn({ id: `tkt-vado-${index}`, subject: 'Vado en la calle Real' }, { text: `Respuesta ${index + 1}.` })));
  }
  for (const reply of queued) await (await bed.workstation.messages.findOne(reply.id).exec(true)).remove();
  outbox.start();
  await outbox.idle();
  return queued;
}

describe('the pushes of the state of a reply away from the replica', () => {
  it('wait 30 s, 1 min, 2 min … at most an hour after failed pushes while the central server cannot be reached', async () => {
    const time = manualTime();
    const server = centralServer(unreachable);
    const outbox = bed.openOutbox({ publishAwayState: server.publish, backoff: OUTBOX_BACKOFF, random: () => 1, clock: time.clock, setAlarm: time.setAlarm }, false);
    const [reply] = await awayReplies(outbox);
    // Sent from the outbox's copy while away; its `sent` state is what waits for the server.
    expect(bed.smtp.received).toHaveLength(1);
    expect(server.pushes).toHaveLength(1);

    const waits = [time.waiting];
    for (let round = 0; round < 9; round++) {
      await time.elapse(outbox);
      waits.push(time.waiting);
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000]);
    // One push per wait, the last state each time: nothing in between.
    expect(server.pushes).toHaveLength(10);
    expect(server.pushes.at(-1)).toMatchObject({ id: reply!.id, outbox: { state: 'sent' } });
  });

  it('take a random part of up to half off each wait, so workstations that failed together do not come back together', async () => {
    const time = manualTime();
    const randoms = [0, 0.5, 1, 0.25];
    const outbox = bed.openOutbox({ publishAwayState: centralServer(unreachable).publish, backoff: OUTBOX_BACKOFF, random: () => randoms.shift() ?? 0, clock: time.clock, setAlarm: time.setAlarm }, false);
    await awayReplies(outbox);
    const waits = [time.waiting];
    for (let round = 0; round < 3; round++) {
      await time.elapse(outbox);
      waits.push(time.waiting);
    }
    // Steps of 30 s, 1, 2 and 4 min: half fixed, half times the random number.
    expect(waits).toEqual([15_000, 45_000, 120_000, 150_000]);
  });

  it('are not tried before the wait ends, even when the outbox runs a round for another reply', async () => {
    const time = manualTime();
    const server = centralServer(unreachable);
    const outbox = bed.openOutbox({ publishAwayState: server.publish, backoff: OUTBOX_BACKOFF, random: () => 1, clock: time.clock, setAlarm: time.setAlarm }, false);
    await awayReplies(outbox);
    await time.elapse(outbox);
    expect([server.pushes.length, time.waiting]).toEqual([2, 60_000]);

    // A clerk answers another ticket: that reply leaves at once; the away state keeps waiting.
    await outbox.queueReply(replyIn({ id: 'tkt-ruido', subject: 'Ruido' }));
    await outbox.idle();
    expect(bed.smtp.received).toHaveLength(2);
    expect([server.pushes.length, time.waiting]).toEqual([2, 60_000]);
  });

  it('start over from 30 s once the central server takes a push', async () => {
    const time = manualTime();
    // Down, except for the fourth push.
    const server = centralServer(() => (server.pushes.length === 4 ? 'stored' : unreachable()));
    const outbox = bed.openOutbox({ publishAwayState: server.publish, backoff: OUTBOX_BACKOFF, random: () => 1, clock: time.clock, setAlarm: time.setAlarm }, false);
    const replies = await awayReplies(outbox, 2);
    await time.elapse(outbox);
    await time.elapse(outbox);
    expect([server.pushes.length, time.waiting]).toEqual([3, 120_000]);

    // The server takes the first reply's state, then drops the second's: a new outage, from the start.
    await time.elapse(outbox);
    expect(server.pushes.slice(3).map((reply) => reply.id)).toEqual(expect.arrayContaining(replies.map((reply) => reply.id)));
    expect([server.pushes.length, time.waiting]).toEqual([5, 30_000]);
  });

  it('go at once, and count from the start, when the central server is back', async () => {
    const time = manualTime();
    let down = true;
    const server = centralServer(() => (down ? unreachable() : 'stored'));
    const outbox = bed.openOutbox({ publishAwayState: server.publish, backoff: OUTBOX_BACKOFF, random: () => 1, clock: time.clock, setAlarm: time.setAlarm }, false);
    await awayReplies(outbox);
    for (let round = 0; round < 4; round++) await time.elapse(outbox);
    expect([server.pushes.length, time.waiting]).toEqual([5, 480_000]);

    // The sync is online again, but the server drops this push: the next wait is 30 s, not 16 min.
    outbox.centralServerOnline();
    await outbox.idle();
    expect([server.pushes.length, time.waiting]).toEqual([6, 30_000]);

    down = false;
    outbox.centralServerOnline();
    await outbox.idle();
    expect(server.pushes.at(-1)?.outbox?.state).toBe('sent');
    expect(time.waiting).toBeUndefined();
    // With nothing waiting, the server coming back runs no round.
    outbox.centralServerOnline();
    await outbox.idle();
    expect(server.pushes).toHaveLength(7);
  });

  it('ask an unreachable central server once per round, not once per reply away', async () => {
    const time = manualTime();
    const server = centralServer(unreachable);
    const outbox = bed.openOutbox({ publishAwayState: server.publish, backoff: OUTBOX_BACKOFF, random: () => 1, clock: time.clock, setAlarm: time.setAlarm }, false);
    await awayReplies(outbox, 3);
    expect(bed.smtp.received).toHaveLength(3);
    expect([server.pushes.length, time.waiting]).toEqual([1, 30_000]);
    await time.elapse(outbox);
    expect([server.pushes.length, time.waiting]).toEqual([2, 60_000]);
    // Nor when a clerk presses "send now", which skips the wait: one push finds the server down.
    await outbox.sendNow();
    expect([server.pushes.length, time.waiting]).toEqual([3, 120_000]);
  });

  it('of a reply the server refuses wait on their own, and never hold up the other replies\' states', async () => {
    const time = manualTime();
    const server = centralServer((reply) => (reply.text === 'Respuesta 1.' ? forbidden() : 'stored'));
    const outbox = bed.openOutbox({ publishAwayState: server.publish, backoff: OUTBOX_BACKOFF, random: () => 1, clock: time.clock, setAlarm: time.setAlarm }, false);
    const [refused, taken] = await awayReplies(outbox, 2);
    const pushedOf = (id: string) => server.pushes.filter((reply) => reply.id === id).map((reply) => reply.outbox?.state);
    // Both sent while away: the other reply's states reached the server, the refused one's waits 30 s.
    expect(bed.smtp.received).toHaveLength(2);
    expect(pushedOf(taken!.id)).toEqual(['queued', 'sent']);
    expect(pushedOf(refused!.id)).toEqual(['queued']);
    expect(time.waiting).toBe(30_000);
    await time.elapse(outbox);
    await time.elapse(outbox);
    expect(pushedOf(refused!.id)).toEqual(['queued', 'sent', 'sent']);
    expect(time.waiting).toBe(120_000);
    expect(pushedOf(taken!.id)).toHaveLength(2);
    // The central server back (a new session, perhaps new rights): tried at once, and from 30 s.
    outbox.centralServerOnline();
    await outbox.idle();
    expect(pushedOf(refused!.id)).toHaveLength(4);
    expect(time.waiting).toBe(30_000);
  });
});

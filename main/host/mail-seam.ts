// The seam between the workstation service and its mail stack (imapflow, mailparser, nodemailer,
// main/mail, main/host/mail): loaded only when mail is in use on the open replica — an account
// exists, the settings screen asks about mail, or a clerk writes a reply here — and never at start
// otherwise. Most workstations have no mailbox of their own; for them the stack and the parser
// thread it starts were 30 of the service's 70 MB with the inbox open (docs/performance.md#workstation).
// Everything behind this seam is imported dynamically: one static value import of main/mail's
// index, or of main/host/mail, anywhere in the service's graph loads it all again.
import path from 'node:path';
import type { AppHandlers } from '../../core/app-api/checks';
import { APP_ARG_CHECKS } from '../../core/app-api/checks';
import { MailAccountStore, type SecretBox } from '../mail/accounts';
import type { WorkstationSession } from './workstation-session';

type MailChannels = Extract<keyof AppHandlers, `mail:${string}`>;

/** Reading the accounts file needs no password: a box that is never opened. */
const NO_SECRETS: SecretBox = {
  get: () => undefined,
  set: () => {
    throw new Error('the mail seam only reads the accounts');
  },
  delete: () => {
    throw new Error('the mail seam only reads the accounts');
  },
};

/**
 * Whether the replica's mail folder (mail-wiring.ts's `directory`) holds a mailbox account. An
 * accounts file that cannot be read counts as yes: the mail channel then says what is wrong, as it
 * did before this seam existed.
 */
export function hasMailAccounts(replicaMailDirectory: string): boolean {
  try {
    // main/mail keeps its accounts in <directory>/mail/accounts.json (main/mail/index.ts).
    return new MailAccountStore(path.join(replicaMailDirectory, 'mail'), NO_SECRETS).list().length > 0;
  } catch {
    return true;
  }
}

/**
 * The app API's `mail:*` handlers (main/host/mail/mail-handlers.ts), loaded on the first mail call.
 * Every call but the status starts the session's mail channel first (the settings screen is
 * about to add an account, retry the outbox…); the status of a channel that is not running is
 * answered without loading anything.
 */
export function lazyMailHandlers(session: WorkstationSession): Pick<AppHandlers, MailChannels> {
  let loaded: Promise<Pick<AppHandlers, MailChannels>> | undefined;
  const handlers = () =>
    (loaded ??= import('./mail/mail-handlers').then(
      (module) => module.mailHandlers(session),
      (error: unknown) => {
        loaded = undefined;
        throw error;
      },
    ));
  const channels = Object.keys(APP_ARG_CHECKS).filter((channel): channel is MailChannels => channel.startsWith('mail:'));
  const lazy = channels.map((channel) => {
    const handler = async (arg: unknown): Promise<unknown> => {
      if (channel === 'mail:status' && !session.mail) return session.mailStatus();
      await session.ensureMail();
      return ((await handlers())[channel] as (value: unknown) => unknown)(arg);
    };
    return [channel, handler] as const;
  });
  return Object.fromEntries(lazy) as unknown as Pick<AppHandlers, MailChannels>;
}

/**
 * Which citizens list an e-mail address: for joining a mail's sender to a citizen a clerk created
 * (a UUIDv7, not the id derived from the address). RxDB cannot index an array such as
 * `citizens.emails`, and the workstation already keeps one index of every card's phones and
 * addresses per replica (main/host/contact-index.ts, also the counter's lookup); the mail wiring
 * passes it in (main/host/mail/mail-wiring.ts), so the mail channel keeps no copy of its own.
 *
 * A sender's citizen made from mail is never looked up here: its id derives from the address
 * and is a primary-key get (ingest.ts), so the next mail from that address finds it even before
 * any index has seen it. docs/mail.md, "Citizens".
 */
export type CitizenDirectory = {
  /**
   * The citizens whose card lists `address` (compared in lower case), smallest id first — the
   * same answer on every workstation that holds the same cards. Every card written before the
   * call is in the answer.
   */
  citizensWithEmail(address: string): Promise<readonly string[]>;
};

// The workstation's outbox (issue 5, Sending): replies and acknowledgements queued as `email_out`
// messages, sent over SMTP by the workstation that owns them. docs/mail.md, Sending.
export {
  Outbox,
  OUTBOX_BACKOFF,
  OUTBOX_GIVE_UP_AFTER_MS,
  acknowledgementIdOf,
  type AcknowledgementOutcome,
  type OutboxOptions,
  type QueueAcknowledgementInput,
  type QueueReplyInput,
} from './outbox';
export { centralServerPublisher, publishAwayState, type AwayStatePublisher } from './away-states';
export { outboxStatusOf, type OutboxItem, type OutboxStatus } from './outbox-status';
export { settleInterruptedSend, type InterruptedVerdict, type SentCopyLookup } from './interrupted-send';
export { imapSentCopyLookup, type SentFolderAccount } from './sent-folder';
export { SmtpSendError, SmtpSender, classifySmtpError, sendWithSmtp, type OpenAttachment, type SmtpAccount, type SmtpFailureKind, type SmtpSendResult } from './smtp-transport';

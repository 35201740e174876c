/**
 * A raw message from the spool, parsed (mailparser's `simpleParser`, fed the file whole when it
 * is small and as a stream when it is large: a 50 MB message never sits in memory whole) into what
 * threading and the documents need.
 * Hard mail is handled here (issue 5): 8-bit text without a charset is parsed again as
 * Windows-1252 (charsets.ts); RFC 2047 words and mislabelled Windows-1252 are mailparser's;
 * Outlook's winmail.dat (TNEF) gives up its files (node-tnef); a calendar invitation is named in
 * the text; attachments become content-addressed blobs (blobs.ts). What cannot be parsed at all
 * throws {@link UnparseableMail}, and the processor quarantines it with the reason.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
// The modules themselves, not core/mail's index: this runs in every parser thread, which then
// loads (and keeps in its heap) neither threading, documents nor routing.
import type { InboundHeaders } from '../../core/mail/loops';
import { messageIdList, normalizeMessageId, syntheticMessageId } from '../../core/mail/message-ids';
import { mailAddress } from '../../core/mail/senders';
import type { AttachmentMeta, MailAddress } from '../../core/schemas';
import type { BlobWriter } from './blobs';
import { labelUnlabelledText } from './charsets';
import { extractTnef } from './tnef';

export type ParsedInbound = {
  /** The Message-ID, or a synthetic one from the raw bytes' hash (core/mail; hashed only then). */
  messageId: string;
  hadMessageId: boolean;
  inReplyTo?: string;
  references: string[];
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  sentAt?: number;
  subject: string;
  text: string;
  html?: string;
  attachments: AttachmentMeta[];
  /** The top-level header lines, unfolded, for the automatic-mail and report checks. */
  headers: InboundHeaders;
  /** The text of returned messages and delivery status parts, where a report names what it returns. */
  reportTexts: string[];
  /** Parsed a second time as Windows-1252 (8-bit text without a charset). */
  charsetRetried: boolean;
};

/** A message that cannot be parsed: quarantined with `message` as the reason. */
export class UnparseableMail extends Error {
  override readonly name = 'UnparseableMail';
}

/**
 * Messages up to this size are read whole, in one read; larger ones are streamed from the file,
 * so a 50 MB message never sits in memory whole (each parser thread parses one message at a
 * time). An ordinary mail costs ~40 % less CPU this way than through a file stream
 * (docs/performance.md, "Mail ingestion").
 */
export const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;
/**
 * What mailparser is fed at a time. Measured on 1–3 MB base64 attachments: 64 KB is the cheapest;
 * the whole message in one piece costs ~25 % more (mailparser then works on multi-megabyte strings),
 * and so do 16 KB pieces (more trips through its streams).
 */
const STREAM_CHUNK_BYTES = 64 * 1024;
/** Second parses (charset retry) read the message into memory: only below this size. */
const RETRY_MAX_BYTES = 10 * 1024 * 1024;
/** How much of a returned message or status part is searched for the Message-ID. */
const REPORT_TEXT_BYTES = 64 * 1024;

const PARSER_OPTIONS = {
  // SHA-256 of each attachment: its blob's name (content-addressed, issue 5).
  checksumAlgo: 'sha256',
  // Delivery status parts stay attachments: a bounce names what it returns there.
  keepDeliveryStatus: true,
  skipImageLinks: true,
  skipTextLinks: true,
  skipTextToHtml: true,
  maxHtmlLengthToParse: 5_000_000,
} as const;

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list: MailAddress[] = [];
  for (const object of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
    for (const entry of object.value) {
      for (const member of entry.group ?? [entry]) {
        const address = mailAddress(member.address, member.name);
        if (address && !list.some((other) => other.address === address.address)) list.push(address);
      }
    }
  }
  return list.slice(0, 500);
}

function unfoldedHeaders(parsed: ParsedMail): InboundHeaders {
  return parsed.headerLines.map(({ line }) => {
    const colon = line.indexOf(':');
    const name = colon >= 0 ? line.slice(0, colon).trim() : line.trim();
    const value = colon >= 0 ? line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim() : '';
    return [name, value] as const;
  });
}

function hasReplacementCharacters(parsed: ParsedMail): boolean {
  const seen = [parsed.subject, parsed.text, typeof parsed.html === 'string' ? parsed.html : undefined, parsed.from?.text];
  return seen.some((value) => value?.includes('\uFFFD'));
}

/** The raw message in memory, when it is small enough to read whole; else a stream of the file. */
type RawSource = { bytes: Buffer; stream?: undefined } | { bytes?: undefined; stream: Readable };

/**
 * Opens a raw message: read whole up to IN_MEMORY_MAX_BYTES, streamed above. An error opening or
 * reading it (a missing file, the disk) is thrown as it is, with its code: it is not the mail's fault.
 * `blocking`: read with blocking calls on this thread (see ParseOptions).
 */
async function openRaw(file: string, blocking: boolean): Promise<RawSource> {
  if (blocking) {
    const fd = openSync(file, 'r');
    let streamOwnsFd = false;
    try {
      if (fstatSync(fd).size > IN_MEMORY_MAX_BYTES) {
        // The stream owns the descriptor from here, and closes it.
        streamOwnsFd = true;
        return { stream: createReadStream(file, { fd, highWaterMark: STREAM_CHUNK_BYTES }) };
      }
      return { bytes: readFileSync(fd) };
    } finally {
      if (!streamOwnsFd) closeSync(fd);
    }
  }
  const handle = await open(file, 'r');
  try {
    if ((await handle.stat()).size > IN_MEMORY_MAX_BYTES) return { stream: handle.createReadStream({ highWaterMark: STREAM_CHUNK_BYTES }) };
    const bytes = await handle.readFile();
    await handle.close();
    return { bytes };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A buffer as views of STREAM_CHUNK_BYTES each (no copies). */
function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += STREAM_CHUNK_BYTES) yield bytes.subarray(start, start + STREAM_CHUNK_BYTES);
}

function parseSource(raw: RawSource): Promise<ParsedMail> {
  if (!raw.bytes) return simpleParser(raw.stream, PARSER_OPTIONS);
  const bytes = raw.bytes;
  return simpleParser(bytes.length <= STREAM_CHUNK_BYTES ? bytes : Readable.from(chunksOf(bytes), { objectMode: false }), PARSER_OPTIONS);
}

/**
 * SHA-256 of the raw message, in hex: the synthetic Message-ID of a mail without one. Only such
 * mails are hashed (hashing every raw message was ~0.1 ms of CPU a message, 2 % of parsing);
 * a large one is read again from its file, in pieces.
 */
async function rawSha256(file: string, bytes: Buffer | undefined): Promise<string> {
  const hash = createHash('sha256');
  if (bytes) return hash.update(bytes).digest('hex');
  for await (const chunk of createReadStream(file, { highWaterMark: STREAM_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The lines of a calendar invitation worth a clerk's eye (RFC 5545 SUMMARY, DTSTART, LOCATION). */
function invitationSummary(ics: string): string | undefined {
  const unfolded = ics.replace(/\r?\n[ \t]/g, '');
  const field = (name: string) => new RegExp(`^${name}(?:;[^:\\r\\n]*)?:(.*)$`, 'im').exec(unfolded)?.[1]?.trim();
  const summary = field('SUMMARY');
  const start = field('DTSTART');
  const location = field('LOCATION');
  if (!summary && !start) return undefined;
  return ['Invitación de calendario', summary && `Asunto: ${summary}`, start && `Comienzo: ${start}`, location && `Lugar: ${location}`].filter(Boolean).join('\n');
}

export type ParseOptions = {
  /**
   * Read the raw file with blocking calls on this thread instead of libuv's pool. For a parser
   * thread, which waits for its file anyway: through the pool (4 threads for the whole process)
   * its reads queued behind the fetcher's flushes of raw mail, and the parser threads idled.
   * Never on the service's own thread.
   */
  blocking?: boolean;
};

/**
 * Parses a raw message file. `blobs` receives the attachments (and the files of a winmail.dat).
 * Throws UnparseableMail when mailparser fails outright; an error reading the file keeps its code.
 */
export async function parseRawMail(file: string, blobs: BlobWriter, options: ParseOptions = {}): Promise<ParsedInbound> {
  const source = await openRaw(file, options.blocking ?? false);
  let parsed: ParsedMail;
  try {
    parsed = await parseSource(source);
  } catch (error) {
    throw new UnparseableMail(`mailparser no pudo leer el mensaje: ${(error as Error).message}`, { cause: error });
  }
  let charsetRetried = false;
  if (hasReplacementCharacters(parsed)) {
    const raw = source.bytes ?? readFileSync(file);
    if (raw.length <= RETRY_MAX_BYTES) {
      try {
        const retried = await simpleParser(labelUnlabelledText(raw), PARSER_OPTIONS);
        if (!hasReplacementCharacters(retried)) {
          parsed = retried;
          charsetRetried = true;
        }
      } catch {
        // Keep the first parse: replacement characters are better than nothing.
      }
    }
  }

  const ownId = normalizeMessageId(parsed.messageId);
  const messageId = ownId ?? syntheticMessageId(await rawSha256(file, source.bytes));
  const attachments: AttachmentMeta[] = [];
  const reportTexts: string[] = [];
  const extraText: string[] = [];
  for (const attachment of parsed.attachments) {
    attachments.push(await storeAttachment(attachment, blobs));
    const type = typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : '';
    if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/delivery-status' || type === 'message/global' || type === 'message/global-headers') {
      reportTexts.push(attachment.content.subarray(0, REPORT_TEXT_BYTES).toString('latin1'));
    }
    if (type === 'text/calendar' || type === 'application/ics') {
      const summary = invitationSummary(attachment.content.subarray(0, REPORT_TEXT_BYTES).toString('utf8'));
      if (summary) extraText.push(summary);
    }
    if (type === 'application/ms-tnef' || type === 'application/vnd.ms-tnef' || /^winmail\.dat$/i.test(attachment.filename ?? '')) {
      const tnef = extractTnef(attachment.content);
      for (const file of tnef.files) {
        const sha = await blobs.write(file.content);
        attachments.push({ sha256: sha, name: file.name.slice(0, 1024), mimeType: 'application/octet-stream', size: file.content.length });
      }
      if (tnef.body) extraText.push(tnef.body);
    }
  }
  let text = parsed.text ?? '';
  if (extraText.length > 0) text = [text.trimEnd(), ...extraText].filter(Boolean).join('\n\n');
  // A bounce quotes the headers of what it returns in its body too (many servers send no parts).
  if (reportTexts.length === 0) reportTexts.push(text.slice(0, REPORT_TEXT_BYTES));

  const inReplyTo = messageIdList(parsed.inReplyTo)[0];
  const sentAt = parsed.date && Number.isFinite(parsed.date.getTime()) && parsed.date.getTime() >= 0 ? parsed.date.getTime() : undefined;
  return {
    messageId,
    hadMessageId: ownId !== undefined,
    ...(inReplyTo !== undefined && { inReplyTo }),
    references: messageIdList(parsed.references).slice(-500),
    ...(parsed.from && addresses(parsed.from)[0] && { from: addresses(parsed.from)[0] }),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    ...(sentAt !== undefined && { sentAt }),
    subject: (parsed.subject ?? '').replace(/[\r\n]+/g, ' ').trim(),
    text,
    ...(typeof parsed.html === 'string' && parsed.html.length > 0 && { html: parsed.html }),
    attachments,
    headers: unfoldedHeaders(parsed),
    reportTexts,
    charsetRetried,
  };
}

async function storeAttachment(attachment: Attachment, blobs: BlobWriter): Promise<AttachmentMeta> {
  const sha = await blobs.write(attachment.content, attachment.checksum);
  const contentId = normalizeMessageId(attachment.contentId ?? undefined);
  return {
    sha256: sha,
    name: (attachment.filename ?? '').replace(/[\r\n]+/g, ' ').slice(0, 1024),
    // A broken Content-Type can reach here as something other than a string (flanker's spam_broken-ctype).
    mimeType: (typeof attachment.contentType === 'string' && attachment.contentType.trim() ? attachment.contentType.trim() : 'application/octet-stream').slice(0, 255),
    size: attachment.size ?? attachment.content.length,
    ...(contentId !== undefined && { contentId }),
  };
}

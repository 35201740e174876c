/**
 * Outlook's winmail.dat (TNEF, application/ms-tnef): the files a citizen attached, wrapped where
 * no other client can see them. node-tnef decodes it; it logs through its own logger to stdout
 * and may give 8.3 names, so its output is taken as it is and a failure is no error — the
 * winmail.dat itself stays an attachment either way.
 */
import { createRequire } from 'node:module';

type TnefAttachment = { Title?: string; Data?: number[] | Uint8Array };
type TnefResult = { Attachments?: TnefAttachment[]; Body?: number[] | string };
type TnefModule = { parseBuffer(data: Buffer, callback: (failed: boolean, result: TnefResult | Error) => void): void };

const require = createRequire(import.meta.url);
let tnef: TnefModule | undefined;

export type TnefFiles = { files: { name: string; content: Buffer }[]; body?: string };

export function extractTnef(data: Buffer): TnefFiles {
  tnef ??= require('node-tnef') as TnefModule;
  let result: TnefFiles = { files: [] };
  // parseBuffer calls back synchronously (it decodes in one go).
  tnef.parseBuffer(data, (failed, decoded) => {
    if (failed || decoded instanceof Error) return;
    const files = (decoded.Attachments ?? [])
      .filter((attachment) => attachment.Data !== undefined && attachment.Data.length > 0)
      .map((attachment, index) => ({ name: attachment.Title?.trim() || `adjunto-${index + 1}`, content: Buffer.from(attachment.Data!) }));
    const body = Array.isArray(decoded.Body) ? Buffer.from(decoded.Body).toString('latin1').replace(/\0+$/, '').trim() : typeof decoded.Body === 'string' ? decoded.Body.trim() : undefined;
    result = { files, ...(body && { body }) };
  });
  return result;
}

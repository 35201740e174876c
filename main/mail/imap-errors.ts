/**
 * What went wrong with a mailbox, in words a clerk or the council's IT can act on (Spanish: the
 * screens show it as is). imapflow's errors carry a `code` (Node's socket codes, or its own such
 * as NoConnection), `authenticationFailed`, and the server's `responseText`.
 */
import type { MailAccount } from './accounts';

type ImapError = Error & { code?: string; authenticationFailed?: boolean; responseText?: string; serverResponseCode?: string };

export function describeImapError(error: unknown, account: Pick<MailAccount, 'host' | 'port' | 'folder' | 'user'>): string {
  const e = (error instanceof Error ? error : new Error(String(error))) as ImapError;
  const server = `${account.host}:${account.port}`;
  const said = e.responseText ? ` (el servidor dice: ${e.responseText})` : '';
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') return `Usuario o contraseña incorrectos para ${account.user} en ${server}${said}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `El servidor de correo ${server} rechaza la conexión: ¿está en marcha y es el puerto correcto?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `No se encuentra el servidor de correo ${account.host}: revise el nombre o la red`;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
      return `El servidor de correo ${server} no contesta a tiempo`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'NoConnection':
      return `Se perdió la conexión con el servidor de correo ${server}; se reintentará`;
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `El certificado del servidor de correo ${server} no es válido (${e.code})`;
  }
  if (/NONEXISTENT|doesn't exist|does not exist|Mailbox doesn't exist/i.test(`${e.serverResponseCode ?? ''} ${e.responseText ?? ''}`)) return `No existe la carpeta ${account.folder} en ${server}`;
  if (/STARTTLS/i.test(e.message)) return `El servidor de correo ${server} no ofrece STARTTLS, y esta cuenta lo exige`;
  return `Error con el servidor de correo ${server}: ${e.message}${said}`;
}

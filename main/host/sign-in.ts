// Signing in from the sign-in screen: one attempt (a person is waiting), and an answer a clerk can
// act on. "Wrong address", "wrong password" and "no network" need different actions, so they are
// told apart here, from what the network and the server said.
import { hostname } from 'node:os';
import { API_PATHS, WORKSTATION_REFUSED_MESSAGE, parseLoginResponse, type AuthTokens, type SignedInUser } from '../../core/sync';
import type { AppError } from '../../core/app-api';
import { callServer, invalidAnswer, type FetchFunction } from '../sync/server-client';
import { isSyncError, toSyncError, type SyncError } from '../sync/sync-errors';

export class AppFailure extends Error {
  override readonly name = 'AppFailure';
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/** The address as the sync uses it: http(s), no query, fragment or credentials, no trailing slash. */
export function normalizeServerUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppFailure({ code: 'bad_server_address', message: `«${text}» no es una dirección válida. Escríbala como https://ventanilla.ayuntamiento.es` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppFailure({ code: 'bad_server_address', message: `La dirección del servidor debe empezar por https:// (o http://), no por ${url.protocol}//` });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new AppFailure({ code: 'bad_server_address', message: 'La dirección del servidor no puede llevar usuario, contraseña, «?» ni «#».' });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Network failures that mean the address names no machine: the clerk mistyped it. */
const NO_SUCH_HOST = new Set(['ENOTFOUND']);

function causeCode(error: SyncError): string | undefined {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cause = cause.cause;
  }
  return undefined;
}

/** What a failed sign-in means for the clerk. `workstationId` names this PC to its administrator. */
export function signInFailure(caught: unknown, serverUrl: string, workstationId?: string): AppFailure {
  if (caught instanceof AppFailure) return caught;
  const error = isSyncError(caught) ? caught : toSyncError(caught);
  const host = (() => {
    try {
      return new URL(serverUrl).host;
    } catch {
      return serverUrl;
    }
  })();
  if (error.code === 'invalid_credentials' || error.kind === 'auth') {
    return new AppFailure({ code: 'invalid_credentials', message: 'El correo o la contraseña no son correctos, o la cuenta está desactivada.' });
  }
  if (error.code === 'rate_limited') {
    return new AppFailure({ code: 'rate_limited', message: 'Demasiados intentos de inicio de sesión. Espere un minuto y vuelva a intentarlo.' });
  }
  if (error.code === 'forbidden' && error.message === WORKSTATION_REFUSED_MESSAGE) {
    // The id of this PC is registered with a secret it no longer has (a keychain reset, a copied data folder).
    return new AppFailure({
      code: 'forbidden',
      message: `El servidor central tiene registrado este puesto con otra instalación y no lo reconoce. Pida al administrador que libere el identificador del puesto${workstationId ? ` (${workstationId})` : ''} con «ventanilla-server release-workstation» y vuelva a iniciar sesión.`,
    });
  }
  if (error.code === 'forbidden') return new AppFailure({ code: 'forbidden', message: `El servidor ha rechazado el inicio de sesión: ${error.message}` });
  if (error.kind === 'offline') {
    const code = causeCode(error);
    if (code && NO_SUCH_HOST.has(code)) {
      return new AppFailure({ code: 'bad_server_address', message: `No existe ningún servidor llamado «${host}». Revise la dirección.` });
    }
    if (code === 'ECONNREFUSED') {
      return new AppFailure({
        code: 'server_unreachable',
        message: `No responde ningún servidor en ${serverUrl}. Revise la dirección y el puerto, o si el servidor central está en marcha; puede trabajar solo en este puesto mientras tanto.`,
      });
    }
    return new AppFailure({ code: 'server_unreachable', message: `No se puede conectar con ${host}: compruebe la conexión a la red. (${error.message})` });
  }
  // The address answers, but not as a Ventanilla server: a web page, a 404, something else.
  if (error.code === 'not_found' || error.code === 'invalid_answer' || error.code === 'bad_request') {
    return new AppFailure({ code: 'bad_server_address', message: `${serverUrl} responde, pero no es un servidor de Ventanilla. Revise la dirección.` });
  }
  return new AppFailure({ code: 'server_unreachable', message: `El servidor central ha fallado al iniciar sesión (${error.message}). Inténtelo de nuevo en unos minutos.` });
}

export type SignInAnswer = { tokens: AuthTokens; user: SignedInUser };

/**
 * One sign-in attempt; throws an AppFailure. `workstationId` is this workstation's stable id
 * (workstation-id.ts): the server binds the session to it (core/sync/auth-protocol.ts);
 * `workstationSecret` proves it.
 */
export async function signInOnce(
  fetchFunction: FetchFunction,
  serverUrl: string,
  email: string,
  password: string,
  options: { workstationId?: string; workstationSecret?: string; timeoutMs?: number } = {},
): Promise<SignInAnswer> {
  try {
    const answer = await callServer(fetchFunction, serverUrl, {
      method: 'POST',
      path: API_PATHS.login,
      body: {
        email,
        password,
        workstation: hostname().slice(0, 128) || 'workstation',
        ...(options.workstationId !== undefined && { workstationId: options.workstationId, ...(options.workstationSecret !== undefined && { workstationSecret: options.workstationSecret }) }),
      },
      timeoutMs: options.timeoutMs ?? 15_000,
    });
    const login = parseLoginResponse(answer.body);
    if (!login.ok) throw invalidAnswer('login answer', login.error.message);
    const { user, ...tokens } = login.value;
    return { tokens, user };
  } catch (caught) {
    throw signInFailure(caught, serverUrl, options.workstationId);
  }
}

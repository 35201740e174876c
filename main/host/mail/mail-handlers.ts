// The app API's mail channels (core/app-api, `mail:*`), over the session's mail wiring. Account
// settings and the quarantine are for supervisors and administrators; the status, "sync now" and
// the outbox (a clerk retries their own failed reply) for anyone signed in.
import type { AppHandlers } from '../../../core/app-api/checks';
import { MailAccountError } from '../../mail';
import { AppFailure } from '../sign-in';
import type { WorkstationSession } from '../workstation-session';
import { MailSettingsError, type MailWiring } from './mail-wiring';

type MailChannels = Extract<keyof AppHandlers, `mail:${string}`>;

function failureOf(error: unknown): unknown {
  if (error instanceof MailAccountError) return new AppFailure({ code: 'bad_request', message: error.message });
  if (error instanceof MailSettingsError) return new AppFailure({ code: error.code, message: error.message });
  return error;
}

export function mailHandlers(session: WorkstationSession): Pick<AppHandlers, MailChannels> {
  const mail = (): MailWiring => {
    if (!session.user) throw new AppFailure({ code: 'not_signed_in', message: 'Inicie sesión primero.' });
    const wiring = session.mail;
    if (!wiring) throw new AppFailure({ code: 'internal', message: 'El correo no está en marcha en este puesto.' });
    return wiring;
  };
  const managed = (): MailWiring => {
    const wiring = mail();
    if (session.user?.role !== 'supervisor' && session.user?.role !== 'admin') {
      throw new AppFailure({ code: 'forbidden', message: 'Solo un supervisor o un administrador puede gestionar las cuentas de correo.' });
    }
    return wiring;
  };
  const translated = async <T>(work: () => Promise<T> | T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw failureOf(error);
    }
  };
  return {
    'mail:accounts': () => managed().accounts(),
    'mail:save-account': (form) => translated(() => managed().saveAccount(form)),
    'mail:remove-account': (arg) =>
      translated(async () => {
        await managed().removeAccount(arg.id);
        return null;
      }),
    'mail:test-account': (form) => translated(() => managed().testAccount(form)),
    'mail:sync-now': (arg) => {
      const wiring = mail();
      wiring.channel.syncNow(arg.accountId);
      return wiring.status();
    },
    'mail:status': () => session.mailStatus(),
    'mail:quarantine': (arg) => managed().quarantine(arg.limit),
    'mail:quarantine-retry': (arg) => {
      const wiring = managed();
      if (!wiring.channel.retryQuarantined(arg.spoolId)) throw new AppFailure({ code: 'not_found', message: `No hay ningún correo en cuarentena con el número ${arg.spoolId}` });
      return wiring.quarantine();
    },
    'mail:outbox-retry': (arg) =>
      translated(async () => {
        const wiring = mail();
        try {
          await wiring.outbox.retry(arg.id);
        } catch (error) {
          throw new AppFailure({ code: 'not_found', message: error instanceof Error ? error.message : String(error) });
        }
        return wiring.status();
      }),
    'mail:outbox-send-now': async () => {
      const wiring = mail();
      await wiring.outbox.sendNow();
      return wiring.status();
    },
  };
}

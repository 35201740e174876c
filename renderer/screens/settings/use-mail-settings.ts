// What the "Correo" settings screen shows, from the workstation service's app API: the accounts,
// the live status of the channel and the outbox (the 'mail:status' event), and the quarantine.
import { useCallback, useEffect, useState } from 'react';
import type { AppArg, AppChannel, AppValue, MailAccountView, MailStatusView, QuarantineView } from '../../../core/app-api';
import { AppCallError } from '../../app/errors';
import { usePlatform } from '../../hooks/use-platform';

export type MailSettingsData = {
  accounts: MailAccountView[] | undefined;
  status: MailStatusView | undefined;
  quarantine: QuarantineView[] | undefined;
  /** The last failure loading them, in words. */
  error: string | undefined;
  reload: () => Promise<void>;
  /** Calls the app API; throws an AppCallError with the service's message. */
  call: <K extends AppChannel>(channel: K, arg: AppArg<K>) => Promise<AppValue<K>>;
};

export function useMailSettings(): MailSettingsData {
  const platform = usePlatform();
  const [accounts, setAccounts] = useState<MailAccountView[]>();
  const [status, setStatus] = useState<MailStatusView>();
  const [quarantine, setQuarantine] = useState<QuarantineView[]>();
  const [error, setError] = useState<string>();

  const call = useCallback(
    async <K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppValue<K>> => {
      const answer = await platform.call(channel, arg);
      if (!answer.ok) throw new AppCallError(answer.error);
      return answer.value;
    },
    [platform],
  );

  const reload = useCallback(async () => {
    try {
      const [nextAccounts, nextStatus, nextQuarantine] = await Promise.all([call('mail:accounts', {}), call('mail:status', {}), call('mail:quarantine', { limit: 200 })]);
      setAccounts(nextAccounts);
      setStatus(nextStatus);
      setQuarantine(nextQuarantine);
      setError(undefined);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }, [call]);

  useEffect(() => {
    void reload();
    return platform.on('mail:status', (next) => {
      setStatus(next);
      // A new quarantined mail: the list is short, read it again.
      if (next.quarantined !== undefined) void call('mail:quarantine', { limit: 200 }).then(setQuarantine, () => undefined);
    });
  }, [platform, reload, call]);

  return { accounts, status, quarantine, error, reload, call };
}

// The mailbox accounts with what each is doing now: connected, reconnecting with the error in
// words, or back-filling (n of m messages).
import Chip from '@mui/material/Chip';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useTranslation } from 'react-i18next';
import type { MailAccountStatusView, MailAccountView, MailStatusView } from '../../../core/app-api';
import type { Department } from '../../../core/schemas';

type Props = {
  accounts: MailAccountView[] | undefined;
  status: MailStatusView | undefined;
  departments: ReadonlyMap<string, Department>;
  onEdit: (account: MailAccountView) => void;
  onRemove: (account: MailAccountView) => void;
  onSyncNow: (account: MailAccountView) => void;
};

function AccountState({ account, status }: { account: MailAccountView; status: MailAccountStatusView | undefined }) {
  const { t } = useTranslation();
  if (!account.enabled) return <Chip size="small" label={t('settings.mail.state.disabled')} />;
  if (!status) return <Chip size="small" label={t('settings.mail.state.starting')} />;
  const progress = status.progress && status.progress.total > 0 && status.progress.done < status.progress.total ? status.progress : undefined;
  return (
    <Stack spacing={0.5}>
      <Chip size="small" color={status.connected ? 'success' : status.lastError ? 'error' : 'default'} label={status.connected ? t('settings.mail.state.connected') : t('settings.mail.state.disconnected')} sx={{ alignSelf: 'flex-start' }} />
      {progress && (
        <>
          <Typography variant="caption">{t('settings.mail.backfill', { done: progress.done, total: progress.total })}</Typography>
          <LinearProgress variant="determinate" value={(100 * progress.done) / progress.total} aria-label={t('settings.mail.backfill', { done: progress.done, total: progress.total })} />
        </>
      )}
      {status.lastError && !status.connected && (
        <Typography variant="caption" color="error" role="status">
          {status.lastError}
        </Typography>
      )}
    </Stack>
  );
}

export function MailAccountsTable({ accounts, status, departments, onEdit, onRemove, onSyncNow }: Props) {
  const { t } = useTranslation();
  if (accounts === undefined) return <LinearProgress aria-label={t('app.loading')} />;
  if (accounts.length === 0) return <Typography color="text.secondary">{t('settings.mail.noAccounts')}</Typography>;
  return (
    <Table size="small" aria-labelledby="mail-accounts-heading">
      <TableHead>
        <TableRow>
          <TableCell>{t('settings.mail.column.mailbox')}</TableCell>
          <TableCell>{t('settings.mail.column.server')}</TableCell>
          <TableCell>{t('settings.mail.column.department')}</TableCell>
          <TableCell>{t('settings.mail.column.state')}</TableCell>
          <TableCell align="right">{t('settings.mail.column.actions')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {accounts.map((account) => (
          <TableRow key={account.id} data-testid={`mail-account-${account.address}`}>
            <TableCell>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {account.name}
              </Typography>
              <Typography variant="caption" color="text.secondary">
                {account.address}
              </Typography>
            </TableCell>
            <TableCell>
              <Typography variant="body2">{`${account.host}:${account.port} · ${account.folder}`}</Typography>
              <Typography variant="caption" color="text.secondary">
                {t('settings.mail.sendsThrough', { server: `${account.smtp.host}:${account.smtp.port}` })}
              </Typography>
            </TableCell>
            <TableCell>{account.defaultDepartmentId ? (departments.get(account.defaultDepartmentId)?.name ?? account.defaultDepartmentId) : t('settings.mail.intake')}</TableCell>
            <TableCell>
              <AccountState account={account} status={status?.accounts.find((candidate) => candidate.accountId === account.id)} />
            </TableCell>
            <TableCell align="right">
              <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end', whiteSpace: 'nowrap' }}>
                <Button size="small" onClick={() => onSyncNow(account)} aria-label={t('settings.mail.syncNowFor', { name: account.name })}>
                  {t('settings.mail.syncNow')}
                </Button>
                <Button size="small" onClick={() => onEdit(account)} aria-label={t('settings.mail.editFor', { name: account.name })}>
                  {t('settings.mail.edit')}
                </Button>
                <Button size="small" color="error" onClick={() => onRemove(account)} aria-label={t('settings.mail.removeFor', { name: account.name })}>
                  {t('settings.mail.remove')}
                </Button>
              </Stack>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

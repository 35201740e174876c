// "Correo": a supervisor's or administrator's view of this workstation's mail — the mailbox
// accounts with their state in words and back-fill progress, the council name the automatic
// answers are signed with, the outbox's failed answers (retry), and the quarantine (mail that
// could not be read, with why). Everything goes through the workstation service's app API.
import AddIcon from '@mui/icons-material/Add';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Snackbar from '@mui/material/Snackbar';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAccountView } from '../../../core/app-api';
import { messageOf } from '../../app/errors';
import { useWorkspace } from '../../app/workspace';
import { MailAccountDialog } from './MailAccountDialog';
import { MailAccountsTable } from './MailAccountsTable';
import { OutboxPanel, QuarantinePanel } from './MailQueues';
import { useMailSettings } from './use-mail-settings';

export function MailSettings() {
  const { t } = useTranslation();
  const { directory } = useWorkspace();
  const data = useMailSettings();
  const [editing, setEditing] = useState<MailAccountView | 'new' | null>(null);
  const [removing, setRemoving] = useState<MailAccountView | null>(null);
  const [notice, setNotice] = useState<string>();
  const [councilName, setCouncilName] = useState('');
  const departments = [...directory.departments.values()].filter((department) => department.active).sort((a, b) => a.name.localeCompare(b.name, 'es'));

  useEffect(() => {
    void data.call('settings:get', {}).then((settings) => setCouncilName(settings.councilName ?? ''), () => undefined);
  }, [data.call]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      setNotice(done);
      await data.reload();
    } catch (caught) {
      setNotice(messageOf(caught));
    }
  };

  return (
    <Box sx={{ p: 3, maxWidth: 1200, width: '100%', mx: 'auto' }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {t('settings.mail.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('settings.mail.intro')}
      </Typography>
      {data.error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {data.error}
        </Alert>
      )}

      <Paper variant="outlined" sx={{ p: 2, mb: 3 }} component="section" aria-labelledby="council-name-heading">
        <Typography variant="h6" component="h2" id="council-name-heading" gutterBottom>
          {t('settings.mail.councilHeading')}
        </Typography>
        <Stack
          direction={{ xs: 'column', sm: 'row' }}
          spacing={2}
          component="form"
          onSubmit={(event) => {
            event.preventDefault();
            void act(() => data.call('settings:set', { councilName: councilName.trim() }), t('settings.mail.councilSaved'));
          }}
        >
          <TextField label={t('settings.mail.councilName')} value={councilName} onChange={(event) => setCouncilName(event.target.value)} helperText={t('settings.mail.councilHelp')} size="small" sx={{ minWidth: 'min(360px, 100%)' }} required />
          <Box>
            <Button type="submit" variant="outlined" disabled={!councilName.trim()}>
              {t('settings.mail.save')}
            </Button>
          </Box>
        </Stack>
      </Paper>

      <Paper variant="outlined" sx={{ p: 2, mb: 3 }} component="section" aria-labelledby="mail-accounts-heading">
        <Stack direction="row" sx={{ mb: 1, alignItems: 'center' }}>
          <Typography variant="h6" component="h2" id="mail-accounts-heading" sx={{ flex: 1 }}>
            {t('settings.mail.accountsHeading')}
          </Typography>
          <Button startIcon={<AddIcon />} variant="contained" onClick={() => setEditing('new')}>
            {t('settings.mail.addAccount')}
          </Button>
        </Stack>
        <MailAccountsTable
          accounts={data.accounts}
          status={data.status}
          departments={directory.departments}
          onEdit={setEditing}
          onRemove={setRemoving}
          onSyncNow={(account) => void act(() => data.call('mail:sync-now', { accountId: account.id }), t('settings.mail.syncing', { name: account.name }))}
        />
      </Paper>

      <OutboxPanel
        outbox={data.status?.outbox}
        onRetry={(id) => void act(() => data.call('mail:outbox-retry', { id }), t('settings.mail.retried'))}
        onSendNow={() => void act(() => data.call('mail:outbox-send-now', {}), t('settings.mail.sentNow'))}
      />
      <QuarantinePanel entries={data.quarantine} accounts={data.accounts} onRetry={(spoolId) => void act(() => data.call('mail:quarantine-retry', { spoolId }), t('settings.mail.requeued'))} />

      {editing && (
        <MailAccountDialog
          {...(editing !== 'new' && { account: editing })}
          departments={departments}
          onClose={() => setEditing(null)}
          save={(form) => data.call('mail:save-account', form)}
          test={(form) => data.call('mail:test-account', form)}
          onSaved={(account) => {
            setEditing(null);
            setNotice(t('settings.mail.saved', { name: account.name }));
            void data.reload();
          }}
        />
      )}
      {removing && (
        <Dialog open onClose={() => setRemoving(null)} aria-labelledby="remove-account-title">
          <DialogTitle id="remove-account-title">{t('settings.mail.removeTitle', { name: removing.name })}</DialogTitle>
          <DialogContent>
            <DialogContentText>{t('settings.mail.removeText', { address: removing.address })}</DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setRemoving(null)}>{t('settings.mail.cancel')}</Button>
            <Button
              color="error"
              variant="contained"
              onClick={() => {
                const account = removing;
                setRemoving(null);
                void act(() => data.call('mail:remove-account', { id: account.id }), t('settings.mail.removed', { name: account.name }));
              }}
            >
              {t('settings.mail.remove')}
            </Button>
          </DialogActions>
        </Dialog>
      )}
      <Snackbar open={notice !== undefined} autoHideDuration={6000} onClose={() => setNotice(undefined)} message={notice} />
    </Box>
  );
}

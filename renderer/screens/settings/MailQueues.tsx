// The two lists a supervisor acts on: answers that could not be sent (retry, or send everything
// due now) and mail that could not be read (the quarantine, with the reason; back in line once
// fixed).
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTranslation } from 'react-i18next';
import type { MailAccountView, OutboxView, QuarantineView } from '../../../core/app-api';

export function OutboxPanel({ outbox, onRetry, onSendNow }: { outbox: OutboxView | undefined; onRetry: (id: string) => void; onSendNow: () => void }) {
  const { t } = useTranslation();
  const failed = outbox?.items.filter((item) => item.state === 'failed') ?? [];
  const waiting = outbox?.items.filter((item) => item.state !== 'failed') ?? [];
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 3 }} component="section" aria-labelledby="outbox-heading">
      <Stack direction="row" sx={{ mb: 1, alignItems: 'center' }}>
        <Typography variant="h6" component="h2" id="outbox-heading" sx={{ flex: 1 }}>
          {t('settings.mail.outboxHeading')}
        </Typography>
        <Button onClick={onSendNow} disabled={!outbox || outbox.queued === 0}>
          {t('settings.mail.sendNow')}
        </Button>
      </Stack>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {t('settings.mail.outboxSummary', { queued: outbox?.queued ?? 0, failed: outbox?.failed ?? 0 })}
        {outbox?.mailServer === 'unreachable' && ` ${t('settings.mail.mailServerDown')}`}
      </Typography>
      {waiting.length > 0 && outbox?.lastError && <Alert severity="warning">{outbox.lastError}</Alert>}
      {failed.length === 0 ? (
        <Typography color="text.secondary">{t('settings.mail.noFailures')}</Typography>
      ) : (
        <List dense aria-label={t('settings.mail.failedList')}>
          {failed.map((item) => (
            <ListItem
              key={item.id}
              divider
              secondaryAction={
                <Button size="small" onClick={() => onRetry(item.id)} aria-label={t('settings.mail.retryFor', { subject: item.subject })}>
                  {t('settings.mail.retry')}
                </Button>
              }
            >
              <ListItemText primary={`${item.subject} → ${item.to.join(', ')}`} secondary={item.error ?? ''} slotProps={{ secondary: { color: 'error' } }} />
            </ListItem>
          ))}
        </List>
      )}
    </Paper>
  );
}

export function QuarantinePanel({ entries, accounts, onRetry }: { entries: QuarantineView[] | undefined; accounts: MailAccountView[] | undefined; onRetry: (spoolId: number) => void }) {
  const { t, i18n } = useTranslation();
  const accountName = (id: string) => accounts?.find((account) => account.id === id)?.name ?? id;
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 3 }} component="section" aria-labelledby="quarantine-heading">
      <Typography variant="h6" component="h2" id="quarantine-heading" gutterBottom>
        {t('settings.mail.quarantineHeading')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {t('settings.mail.quarantineIntro')}
      </Typography>
      {!entries || entries.length === 0 ? (
        <Typography color="text.secondary">{t('settings.mail.noQuarantine')}</Typography>
      ) : (
        <List dense aria-label={t('settings.mail.quarantineHeading')}>
          {entries.map((entry) => (
            <ListItem
              key={entry.spoolId}
              divider
              secondaryAction={
                <Button size="small" onClick={() => onRetry(entry.spoolId)} aria-label={t('settings.mail.requeueFor', { uid: entry.uid })}>
                  {t('settings.mail.requeue')}
                </Button>
              }
            >
              <ListItemText
                primary={t('settings.mail.quarantineEntry', { account: accountName(entry.accountId), folder: entry.folder, uid: entry.uid, date: new Date(entry.receivedAt).toLocaleString(i18n.language), size: Math.ceil(entry.size / 1024) })}
                secondary={entry.reason}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Paper>
  );
}

// The escalation notices the workstation service sends a supervisor (`ticket:escalated`,
// main/host/escalation-watch.ts), shown on screen. The web host has no native notifications, and
// the service's events reach every screen the same way over either transport (Platform.on), so
// this is how a supervisor in a browser hears of them. One at a time, the newest last; the service
// already sums up floods, so the queue stays short.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketEscalation } from '../../core/app-api';
import { escalationText } from '../data/escalations';
import { usePlatform } from '../hooks/use-platform';

/** Notices kept waiting at most: older ones are dropped (the Supervisor screen lists every ticket). */
const QUEUE_LIMIT = 20;

export function EscalationNotices() {
  const { t } = useTranslation();
  const platform = usePlatform();
  const [queue, setQueue] = useState<TicketEscalation[]>([]);
  useEffect(() => platform.on('ticket:escalated', (notice) => setQueue((current) => [...current, notice].slice(-QUEUE_LIMIT))), [platform]);
  const notice = queue[0];
  const dismiss = () => setQueue((current) => current.slice(1));
  const href = notice?.ticket ? `#/ticket/${encodeURIComponent(notice.ticket.ticketId)}` : '#/supervisor';
  return (
    <Snackbar open={notice !== undefined} onClose={(_, reason) => reason !== 'clickaway' && dismiss()} anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}>
      {notice ? (
        <Alert
          severity={notice.level === 'overdue' ? 'error' : 'warning'}
          variant="filled"
          action={
            <>
              <Button color="inherit" size="small" href={href} onClick={dismiss}>
                {t('supervisor.escalation.notice.open')}
              </Button>
              <Button color="inherit" size="small" onClick={dismiss}>
                {t('supervisor.escalation.notice.close')}
              </Button>
            </>
          }
          data-testid="escalation-notice"
        >
          {escalationText(t, notice)}
        </Alert>
      ) : undefined}
    </Snackbar>
  );
}

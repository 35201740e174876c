// The escalation notices the workstation service sends a supervisor (`ticket:escalated`,
// main/host/escalation-watch.ts), shown on screen. The web host has no native notifications, and
// the service's events reach every screen the same way over either transport (Platform.on), so
// this is how a supervisor in a browser hears of them: a banner under the top bar, one at a time,
// the oldest first, saying how many more wait; the service already sums up floods, so the queue
// stays short.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
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
  if (!notice) return null;
  // A banner above the screen, not a floating snackbar: it never covers a dialog's buttons, a menu
  // or the reply box, and a screen reader hears it once (role="alert" of MUI's Alert).
  return (
    <Alert
      severity={notice.level === 'overdue' ? 'error' : 'warning'}
      variant="filled"
      square
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
      {queue.length > 1 && ` (+${queue.length - 1})`}
    </Alert>
  );
}

// One ticket: reference, status, priority, department, assignee, due date; who else is on it;
// the timeline of every interaction; suggested answers; the reply box; merge. r reply, n note,
// a assign, t first suggested answer, Esc back.
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import CallMergeIcon from '@mui/icons-material/CallMerge';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Snackbar from '@mui/material/Snackbar';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NO_DUE_DATE } from '../../core/schemas';
import type { TicketEdit } from '../../core/sync/ticket-merge';
import { formatPhone } from '../../core/identity/contact';
import type { Route } from '../app/routes';
import { messageOf } from '../app/errors';
import { useWorkspace } from '../app/workspace';
import { ChannelIcon } from '../components/ChannelIcon';
import { Composer, type ComposerHandle, type ComposerMode } from '../components/Composer';
import { MergeDialog } from '../components/MergeDialog';
import { NotFound } from '../components/NotFound';
import { PresenceChips } from '../components/PresenceChips';
import { TemplateSuggestions } from '../components/TemplateSuggestions';
import { TicketFields } from '../components/TicketFields';
import { Timeline } from '../components/Timeline';
import { calendarOf, dueStateOf, isOverdue } from '../data/deadlines';
import { editTicket } from '../data/ticket-actions';
import { describeHistoryEntry, type HistoryNames } from '../data/ticket-history';
import { useMinute } from '../hooks/use-minute';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useCitizen, useMergedTicketIds, useThread, useTicket } from '../hooks/use-ticket';
import { dateTime } from '../i18n/format';

export function TicketView({ ticketId, go }: { ticketId: string; go: (route: Route) => void }) {
  const { t, i18n } = useTranslation();
  const { db, me, directory } = useWorkspace();
  const now = useMinute();
  const ticket = useTicket(db, ticketId);
  const citizen = useCitizen(db, ticket.value?.citizenId);
  const merged = useMergedTicketIds(db, ticket.value);
  const threadIds = useMemo(() => [ticketId, ...merged], [ticketId, merged]);
  const thread = useThread(db, threadIds);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [focusRequest, setFocusRequest] = useState(0);
  const [merging, setMerging] = useState(false);
  const [notice, setNotice] = useState<string>();
  const assignee = useRef<HTMLDivElement>(null);
  const composer = useRef<ComposerHandle>(null);
  const historyNames = useMemo<HistoryNames>(() => ({ user: (id) => directory.users.get(id)?.name, department: (id) => directory.departments.get(id)?.name }), [directory]);

  useShortcuts({
    r: () => {
      setMode('reply');
      setFocusRequest((n) => n + 1);
    },
    n: () => {
      setMode('note');
      setFocusRequest((n) => n + 1);
    },
    a: () => {
      const select = assignee.current?.querySelector<HTMLElement>('[role="combobox"]') ?? assignee.current;
      select?.focus();
      select?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    },
    Escape: () => window.history.back(),
  });

  const edit = async (changes: TicketEdit) => {
    try {
      await editTicket(db, ticketId, changes, me);
      setNotice(t('ticket.saved'));
    } catch (failure) {
      setNotice(t('ticket.saveFailed', { message: messageOf(failure) }));
    }
  };

  if (!ticket.value) {
    return ticket.loading ? null : (
      <NotFound title={t('ticket.notFoundTitle')} text={t('ticket.notFound')} help={t('ticket.notFoundHelp')} />
    );
  }
  const current = ticket.value;
  const mergedTarget = current.mergedInto;
  const overdue = isOverdue(current, now);
  const suspended = current.status === 'pending' && current.dueAt !== NO_DUE_DATE;
  const due = dueStateOf(current, calendarOf(current.departmentId, directory.departmentList, directory.calendars), now);
  const days = due.workingDaysLeft;

  return (
    <Box sx={{ flex: 1, overflow: 'auto', p: 2 }}>
      <Stack spacing={2} sx={{ maxWidth: 1100, mx: 'auto' }}>
        <Stack sx={{ alignItems: 'center' }} direction="row" spacing={1}>
          <Button startIcon={<ArrowBackIcon />} onClick={() => window.history.back()} aria-keyshortcuts="Escape">
            {t('app.back')}
          </Button>
          <Box sx={{ flex: 1 }} />
          <PresenceChips ticketId={current.id} me={me} />
        </Stack>
        <Paper sx={{ p: 2 }} variant="outlined">
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }} useFlexGap>
            <ChannelIcon channel={current.channel} />
            <Typography variant="overline" component="p" data-testid="ticket-reference" aria-label={`${t('ticket.reference')}: ${current.reference}`}>
              {current.reference}
            </Typography>
            <Chip size="small" label={t(`status.${current.status}`)} color={current.status === 'new' ? 'warning' : 'default'} data-testid="ticket-status" />
            {overdue && <Chip size="small" color="error" label={t('inbox.overdue')} />}
            {due.state === 'near' && <Chip size="small" color="warning" label={t('ticket.dueSoon')} />}
            {suspended && <Chip size="small" variant="outlined" label={t('ticket.deadlineSuspended')} />}
          </Stack>
          <Typography variant="h5" component="h1" gutterBottom>
            {current.subject || t('inbox.noSubject')}
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {t(`ticket.openedVia.${current.channel}`, { date: dateTime(i18n.language, current.createdAt) })}
            {' · '}
            {t('ticket.due')}: {current.dueAt === NO_DUE_DATE ? t('ticket.noDue') : dateTime(i18n.language, current.dueAt)}
            {days !== undefined && (
              <span data-testid="ticket-time-left">
                {' · '}
                {due.state === 'overdue' ? t('ticket.overdueBy', { count: -days }) : days === 0 ? t('ticket.dueToday') : t('ticket.daysLeft', { count: days })}
              </span>
            )}
          </Typography>
          {mergedTarget && (
            <Alert severity="info" sx={{ mb: 2 }} action={<Button onClick={() => go({ screen: 'ticket', ticketId: mergedTarget })}>{t('ticket.goToMerged')}</Button>}>
              {t('ticket.mergedInto', { reference: mergedTarget })}
            </Alert>
          )}
          <TicketFields ticket={current} onEdit={(changes) => void edit(changes)} assigneeRef={assignee} />
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', mt: 2 }} useFlexGap>
            <Typography variant="body2">
              {t('ticket.citizen')}:{' '}
              {citizen.value ? (
                <Link href={`#/citizen/${encodeURIComponent(citizen.value.id)}`}>{citizen.value.name}</Link>
              ) : (
                t('inbox.noCitizen')
              )}
              {citizen.value?.documentNumber ? ` · ${citizen.value.documentNumber}` : ''}
              {citizen.value?.phones[0] ? ` · ${formatPhone(citizen.value.phones[0])}` : ''}
              {citizen.value?.emails[0] ? ` · ${citizen.value.emails[0]}` : ''}
            </Typography>
            <Box sx={{ flex: 1 }} />
            {!mergedTarget && (
              <Button size="small" startIcon={<CallMergeIcon />} onClick={() => setMerging(true)}>
                {t('ticket.merge')}
              </Button>
            )}
          </Stack>
          {current.history && current.history.length > 0 && (
            <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }} data-testid="ticket-conflicts">
              {t('ticket.conflicts')}: {current.history.slice(-3).map((entry) => describeHistoryEntry(entry, t, i18n.language, historyNames)).join(' · ')}
            </Typography>
          )}
        </Paper>
        <TemplateSuggestions ticket={current} citizen={citizen.value ?? undefined} thread={thread.value} onInsert={(template) => composer.current?.insertTemplate(template)} />
        <Typography variant="h6" component="h2">
          {t('ticket.timeline')}
        </Typography>
        <Timeline messages={thread.value} citizenName={citizen.value?.name} />
        <Composer
          ref={composer}
          ticket={current}
          citizen={citizen.value ?? undefined}
          thread={thread.value}
          mode={mode}
          onMode={setMode}
          focusRequest={focusRequest}
          onDone={setNotice}
        />
      </Stack>
      {merging && (
        <MergeDialog
          ticket={current}
          onClose={() => setMerging(false)}
          onMerged={(target) => {
            setMerging(false);
            go({ screen: 'ticket', ticketId: target.id });
          }}
        />
      )}
      <Snackbar open={notice !== undefined} autoHideDuration={3000} onClose={() => setNotice(undefined)} message={notice} />
    </Box>
  );
}

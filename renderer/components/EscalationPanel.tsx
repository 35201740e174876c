// The tickets of a supervisor's departments that are overdue or due soon, with links: the list
// the escalation notices point at (renderer/data/escalations.ts; the service's watcher uses the
// same rule). Live on the local replica, so it works offline and changes as clerks work.
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { timeZone } from '../../core/calendar';
import { UNASSIGNED, type Department, type Ticket } from '../../core/schemas';
import { useWorkspace } from '../app/workspace';
import { classifyEscalations, departmentWatches, escalationCandidates$ } from '../data/escalations';
import { useMinute } from '../hooks/use-minute';
import { useObservable } from '../hooks/use-rx';
import { COUNCIL_TIME_ZONE, dateTime } from '../i18n/format';

/** Rows shown; the counts above the table say how many there are in all. */
const SHOWN = 200;

export function EscalationPanel({ departments }: { departments: readonly Department[] }) {
  const { t, i18n } = useTranslation();
  const { db, directory } = useWorkspace();
  const now = useMinute();
  // The bounds move with the council's day, not the minute: the queries are rebuilt once a day.
  const today = timeZone(COUNCIL_TIME_ZONE).dayOf(now);
  const departmentIds = departments.map((department) => department.id);
  const watches = useMemo(() => departmentWatches(departmentIds, directory.departments, directory.calendars, now), [departmentIds.join('\n'), directory.departments, directory.calendars, today]);
  const candidates = useObservable<Ticket[]>(() => escalationCandidates$(db, watches), [db, watches], []);
  const escalated = useMemo(() => classifyEscalations(candidates.value, watches, now), [candidates.value, watches, now]);
  const overdue = escalated.filter((ticket) => ticket.level === 'overdue').length;
  const nameOf = (id: string) => (id === UNASSIGNED ? t('ticket.unassigned') : (directory.users.get(id)?.name ?? id));

  return (
    <Paper variant="outlined" sx={{ p: 2, overflowX: 'auto' }} component="section" aria-labelledby="supervisor-escalations">
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'baseline', flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="h6" component="h2" id="supervisor-escalations" sx={{ flex: 1 }}>
          {t('supervisor.escalation.title')}
        </Typography>
        <Typography role="status" data-testid="escalation-counts">
          {t('supervisor.escalation.counts', { count: overdue, near: escalated.length - overdue })}
        </Typography>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {t('supervisor.escalation.intro')}
      </Typography>
      {escalated.length === 0 ? (
        <Typography color="text.secondary">{t('supervisor.escalation.none')}</Typography>
      ) : (
        <Table size="small" aria-label={t('supervisor.escalation.title')}>
          <TableHead>
            <TableRow>
              <TableCell component="th">{t('ticket.reference')}</TableCell>
              <TableCell component="th">{t('inbox.columns.subject')}</TableCell>
              <TableCell component="th">{t('supervisor.department')}</TableCell>
              <TableCell component="th">{t('ticket.assignee')}</TableCell>
              <TableCell component="th">{t('ticket.due')}</TableCell>
              <TableCell component="th">{t('supervisor.escalation.state')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {escalated.slice(0, SHOWN).map((ticket) => (
              <TableRow key={ticket.id} data-ticket-id={ticket.id} data-level={ticket.level}>
                <TableCell>
                  <a href={`#/ticket/${encodeURIComponent(ticket.id)}`}>{ticket.reference}</a>
                </TableCell>
                <TableCell sx={{ maxWidth: 380, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{ticket.subject}</TableCell>
                <TableCell>{directory.departments.get(ticket.departmentId)?.name ?? ticket.departmentId}</TableCell>
                <TableCell>{nameOf(ticket.assigneeId)}</TableCell>
                <TableCell>{dateTime(i18n.language, ticket.dueAt)}</TableCell>
                <TableCell>
                  <Chip size="small" color={ticket.level === 'overdue' ? 'error' : 'warning'} label={t(`supervisor.escalation.levels.${ticket.level}`)} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {escalated.length > SHOWN && (
        <Typography variant="caption" color="text.secondary">
          {t('supervisor.escalation.more', { shown: SHOWN, count: escalated.length })}
        </Typography>
      )}
    </Paper>
  );
}

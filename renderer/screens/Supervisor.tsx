// A supervisor's queues: for each department they supervise, counts by status (index-only
// counts), by age and by due date, per clerk; and the queue itself, to reassign in bulk. All from
// the local replica: it works the same with the server down, and the edits sync when it is back.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Snackbar from '@mui/material/Snackbar';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { combineLatest, map } from 'rxjs';
import { NO_DUE_DATE, TICKET_STATUSES, UNASSIGNED, type Ticket, type TicketStatus } from '../../core/schemas';
import { messageOf } from '../app/errors';
import { EscalationPanel } from '../components/EscalationPanel';
import { useWorkspace } from '../app/workspace';
import { calendarOf } from '../data/deadlines';
import { ACTIVE_STATUSES } from '../data/inbox-queries';
import { AGE_BUCKETS, DUE_BUCKETS, endOfCouncilDay, queueStats } from '../data/queue-stats';
import { reassignTickets } from '../data/ticket-actions';
import { useMinute } from '../hooks/use-minute';
import { useObservable } from '../hooks/use-rx';
import { formatCount, shortDate } from '../i18n/format';

const SHOWN = 300;
const ANYONE = '__anyone';

export function Supervisor() {
  const { t, i18n } = useTranslation();
  const { db, session, directory, me } = useWorkspace();
  const now = useMinute();
  const departments = session.user.departmentIds.length > 0 ? directory.departmentList.filter((department) => session.user.departmentIds.includes(department.id)) : directory.departmentList;
  const [departmentId, setDepartmentId] = useState(departments[0]?.id ?? '');
  const [holder, setHolder] = useState(ANYONE);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [to, setTo] = useState('');
  const [notice, setNotice] = useState<string>();

  const statusCounts = useObservable<Partial<Record<TicketStatus, number>>>(
    () => combineLatest(TICKET_STATUSES.map((status) => db.tickets.count({ selector: { departmentId, status } }).$)).pipe(map((counts) => Object.fromEntries(TICKET_STATUSES.map((status, i) => [status, counts[i]!])))),
    [db, departmentId],
    {},
  ).value;
  const active = useObservable<Ticket[]>(
    () => db.tickets.find({ selector: { departmentId, status: { $in: [...ACTIVE_STATUSES] } }, sort: [{ dueAt: 'asc' }] }).$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))),
    [db, departmentId],
    [],
  );
  // Due dates count in días hábiles on the department's calendar, as in the inbox (deadlines.ts).
  const calendar = useMemo(() => calendarOf(departmentId, directory.departmentList, directory.calendars), [departmentId, directory.departmentList, directory.calendars]);
  const stats = useMemo(() => queueStats(active.value, now, endOfCouncilDay(now), calendar), [active.value, now, calendar]);
  const queue = useMemo(() => (holder === ANYONE ? active.value : active.value.filter((ticket) => ticket.assigneeId === holder)), [active.value, holder]);
  const shown = queue.slice(0, SHOWN);
  const staff = directory.userList.filter((user) => user.departmentIds.includes(departmentId));

  if (departments.length === 0) return <Alert severity="info" sx={{ m: 2 }}>{t('supervisor.noDepartments')}</Alert>;

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allShown = shown.length > 0 && shown.every((ticket) => selected.has(ticket.id));
  const reassign = async () => {
    try {
      const count = await reassignTickets(db, [...selected], to === UNASSIGNED ? UNASSIGNED : to, me);
      setSelected(new Set());
      setNotice(t('supervisor.reassigned', { count }));
    } catch (failure) {
      setNotice(t('ticket.saveFailed', { message: messageOf(failure) }));
    }
  };
  const nameOf = (id: string) => (id === UNASSIGNED ? t('ticket.unassigned') : (directory.users.get(id)?.name ?? id));

  const statTable = (caption: string, rows: [string, number][]) => (
    <Paper variant="outlined" sx={{ flex: 1, minWidth: 'min(220px, 100%)' }}>
      <Table size="small" aria-label={caption}>
        <TableHead>
          <TableRow>
            <TableCell colSpan={2} component="th">
              <Typography variant="subtitle2" component="span">{caption}</Typography>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(([label, value]) => (
            <TableRow key={label}>
              <TableCell component="th" scope="row">{label}</TableCell>
              <TableCell align="right" data-testid={`stat-${label}`}>{formatCount(i18n.language, value)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );

  return (
    <Box sx={{ flex: 1, overflow: 'auto', p: 2 }}>
      <Stack spacing={2} sx={{ maxWidth: 1300, mx: 'auto' }}>
        {/* Everything wraps at 320 CSS px (WCAG 1.4.10); the wide tables scroll inside their own boxes. */}
        <Stack sx={{ alignItems: 'center', flexWrap: 'wrap' }} direction="row" spacing={2} useFlexGap>
          <Typography variant="h5" component="h1" sx={{ flex: 1 }}>
            {t('supervisor.title')}
          </Typography>
          <FormControl size="small" sx={{ minWidth: 'min(260px, 100%)' }}>
            <InputLabel id="supervisor-department">{t('supervisor.department')}</InputLabel>
            <Select labelId="supervisor-department" label={t('supervisor.department')} value={departmentId} onChange={(e) => { setDepartmentId(String(e.target.value)); setSelected(new Set()); setHolder(ANYONE); }}>
              {departments.map((department) => (
                <MenuItem key={department.id} value={department.id}>
                  {department.name}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
        <Typography variant="body2" color="text.secondary">{t('supervisor.counted')}</Typography>
        {/* The department's counts first, a glance; the escalated tickets of all their departments below. */}
        <Stack sx={{ flexWrap: 'wrap' }} direction="row" spacing={2} useFlexGap>
          {statTable(t('supervisor.byStatus'), TICKET_STATUSES.map((status) => [t(`status.${status}`), statusCounts[status] ?? 0]))}
          {statTable(t('supervisor.byAge'), AGE_BUCKETS.map((bucket) => [t(`supervisor.ages.${bucket}`), stats.byAge[bucket]]))}
          {statTable(t('supervisor.byDue'), DUE_BUCKETS.map((bucket) => [t(`supervisor.dues.${bucket}`), stats.byDue[bucket]]))}
        </Stack>
        <EscalationPanel departments={departments} />
        {/* A box that scrolls sideways must be reachable by keyboard (axe: scrollable-region-focusable); its rows have no link to reach. */}
        <Paper variant="outlined" sx={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={t('supervisor.byClerk')}>
          <Table size="small" aria-label={t('supervisor.byClerk')}>
            <TableHead>
              <TableRow>
                <TableCell component="th">{t('supervisor.clerk')}</TableCell>
                {ACTIVE_STATUSES.map((status) => (
                  <TableCell key={status} align="right" component="th">{t(`status.${status}`)}</TableCell>
                ))}
                <TableCell align="right" component="th">{t('supervisor.total')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {[...stats.byClerk].sort((a, b) => b[1].total - a[1].total).map(([clerk, row]) => (
                <TableRow key={clerk || 'unassigned'} hover selected={holder === clerk} onClick={() => setHolder(clerk)} sx={{ cursor: 'pointer' }}>
                  <TableCell component="th" scope="row">{nameOf(clerk)}</TableCell>
                  {ACTIVE_STATUSES.map((status) => (
                    <TableCell key={status} align="right">{formatCount(i18n.language, row[status] ?? 0)}</TableCell>
                  ))}
                  <TableCell align="right">{formatCount(i18n.language, row.total)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
        <Paper variant="outlined" sx={{ p: 2, overflowX: 'auto' }} component="section" aria-labelledby="supervisor-queue">
          <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
            <Typography variant="h6" component="h2" id="supervisor-queue" sx={{ flex: 1 }}>
              {t('supervisor.queue')} ({formatCount(i18n.language, queue.length)})
            </Typography>
            <FormControl size="small" sx={{ minWidth: 'min(200px, 100%)' }}>
              <InputLabel id="supervisor-holder">{t('supervisor.fromClerk')}</InputLabel>
              <Select labelId="supervisor-holder" label={t('supervisor.fromClerk')} value={holder} onChange={(e) => setHolder(String(e.target.value))}>
                <MenuItem value={ANYONE}>{t('supervisor.anyone')}</MenuItem>
                {[...stats.byClerk.keys()].map((clerk) => (
                  <MenuItem key={clerk || 'unassigned'} value={clerk}>{nameOf(clerk)}</MenuItem>
                ))}
              </Select>
            </FormControl>
            <Typography role="status">{t('supervisor.selected', { count: selected.size })}</Typography>
            <FormControl size="small" sx={{ minWidth: 'min(220px, 100%)' }}>
              <InputLabel id="supervisor-to">{t('supervisor.reassignTo')}</InputLabel>
              <Select labelId="supervisor-to" label={t('supervisor.reassignTo')} value={to} onChange={(e) => setTo(String(e.target.value))}>
                <MenuItem value={UNASSIGNED}>{t('ticket.unassigned')}</MenuItem>
                {staff.map((user) => (
                  <MenuItem key={user.id} value={user.id}>{user.name}</MenuItem>
                ))}
              </Select>
            </FormControl>
            <Button variant="contained" disabled={selected.size === 0} onClick={() => void reassign()}>
              {t('supervisor.reassign')}
            </Button>
          </Stack>
          <Table size="small" aria-label={t('supervisor.queue')}>
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={allShown}
                    indeterminate={!allShown && shown.some((ticket) => selected.has(ticket.id))}
                    onChange={() => setSelected(allShown ? new Set() : new Set(shown.map((ticket) => ticket.id)))}
                    slotProps={{ input: { 'aria-label': t('supervisor.selectAll') } }}
                  />
                </TableCell>
                <TableCell component="th">{t('ticket.reference')}</TableCell>
                <TableCell component="th">{t('inbox.columns.subject')}</TableCell>
                <TableCell component="th">{t('ticket.status')}</TableCell>
                <TableCell component="th">{t('ticket.assignee')}</TableCell>
                <TableCell component="th">{t('ticket.due')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {shown.map((ticket) => (
                <TableRow key={ticket.id} selected={selected.has(ticket.id)} data-ticket-id={ticket.id}>
                  <TableCell padding="checkbox">
                    <Checkbox checked={selected.has(ticket.id)} onChange={() => toggle(ticket.id)} slotProps={{ input: { 'aria-label': t('supervisor.select', { reference: ticket.reference }) } }} />
                  </TableCell>
                  <TableCell>
                    <a href={`#/ticket/${encodeURIComponent(ticket.id)}`}>{ticket.reference}</a>
                  </TableCell>
                  <TableCell sx={{ maxWidth: 420, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{ticket.subject}</TableCell>
                  <TableCell>{t(`status.${ticket.status}`)}</TableCell>
                  <TableCell>{nameOf(ticket.assigneeId)}</TableCell>
                  {/* Waiting for the citizen suspends the period (core/routing/pause.ts): not late while it waits. */}
                  <TableCell sx={ticket.dueAt < now && ticket.status !== 'pending' ? { color: 'error.main', fontWeight: 700 } : undefined}>
                    {ticket.dueAt === NO_DUE_DATE ? '—' : shortDate(i18n.language, ticket.dueAt)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      </Stack>
      <Snackbar open={notice !== undefined} autoHideDuration={3000} onClose={() => setNotice(undefined)} message={notice} />
    </Box>
  );
}

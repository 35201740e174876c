// The fields of a ticket a clerk changes: status, priority, department, assignee. Each change is
// one stamped edit (data/ticket-actions.ts), written at once: there is no "save" to forget.
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTranslation } from 'react-i18next';
import { TICKET_PRIORITIES, TICKET_STATUSES, UNASSIGNED, type Ticket } from '../../core/schemas';
import type { TicketEdit } from '../../core/sync/ticket-merge';
import { useWorkspace } from '../app/workspace';
import { useObservable } from '../hooks/use-rx';

type Props = { ticket: Ticket; onEdit: (changes: TicketEdit) => void; assigneeRef?: React.Ref<HTMLDivElement> };

export function TicketFields({ ticket, onEdit, assigneeRef }: Props) {
  const { t } = useTranslation();
  const { directory, me, db } = useWorkspace();
  // Which rule routed it (issue 6: "routed to Urbanismo by rule 'licencias de obra'"), live: a
  // renamed rule shows its new name, a deleted one says so.
  const routingRule = useObservable(() => (ticket.routedBy ? db.rules.findOne(ticket.routedBy).$ : null), [db, ticket.routedBy], null);
  const departmentName = ticket.departmentId === '' ? t('ticket.intake') : (directory.departmentList.find((d) => d.id === ticket.departmentId)?.name ?? ticket.departmentId);
  const staff = directory.userList.filter((user) => ticket.departmentId === '' || user.departmentIds.includes(ticket.departmentId) || user.id === ticket.assigneeId);
  const field = (id: string, label: string, value: string, options: { value: string; label: string }[], onChange: (value: string) => void, ref?: React.Ref<HTMLDivElement>) => (
    <FormControl size="small" sx={{ minWidth: 170 }}>
      <InputLabel id={`ticket-${id}`}>{label}</InputLabel>
      <Select ref={ref} labelId={`ticket-${id}`} label={label} value={value} onChange={(e) => onChange(String(e.target.value))} data-testid={`ticket-field-${id}`}>
        {options.map((option) => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
  return (
    <Stack sx={{ alignItems: 'center', flexWrap: 'wrap' }} direction="row" spacing={1.5} useFlexGap>
      {field('status', t('ticket.status'), ticket.status, TICKET_STATUSES.map((value) => ({ value, label: t(`status.${value}`) })), (status) => onEdit({ status: status as Ticket['status'] }))}
      {field('priority', t('ticket.priority'), ticket.priority, TICKET_PRIORITIES.map((value) => ({ value, label: t(`priority.${value}`) })), (priority) => onEdit({ priority: priority as Ticket['priority'] }))}
      {field(
        'department',
        t('ticket.department'),
        ticket.departmentId,
        [{ value: '', label: t('ticket.intake') }, ...directory.departmentList.map((department) => ({ value: department.id, label: department.name }))],
        (departmentId) => onEdit({ departmentId }),
      )}
      {field(
        'assignee',
        t('ticket.assignee'),
        ticket.assigneeId,
        [{ value: UNASSIGNED, label: t('ticket.unassigned') }, ...staff.map((user) => ({ value: user.id, label: user.name }))],
        (assigneeId) => onEdit({ assigneeId, ...(ticket.status === 'new' && assigneeId !== UNASSIGNED && { status: 'open' as const }) }),
        assigneeRef,
      )}
      {ticket.assigneeId !== me && (
        <Button size="small" onClick={() => onEdit({ assigneeId: me, ...(ticket.status === 'new' && { status: 'open' as const }) })}>
          {t('ticket.assignToMe')}
        </Button>
      )}
      {ticket.routedBy && !routingRule.loading && (
        <Typography variant="body2" color="text.secondary" sx={{ flexBasis: '100%' }} data-testid="ticket-routed-by">
          {routingRule.value
            ? t('ticket.routedBy', { department: departmentName, rule: routingRule.value.name })
            : t('ticket.routedByGone', { department: departmentName })}
        </Typography>
      )}
    </Stack>
  );
}

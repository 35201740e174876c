// The inbox's virtualised list (@tanstack/react-virtual): only the rows on screen are in the DOM,
// so 100k tickets scroll like 100. A listbox: j/k (or the arrows) move the selection, Enter opens.
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NO_DUE_DATE, type Citizen, type Ticket } from '../../core/schemas';
import { useWorkspace } from '../app/workspace';
import { age, shortDate } from '../i18n/format';
import { ChannelIcon } from './ChannelIcon';

const ROW_HEIGHT = 56;
const COLUMNS = '32px minmax(140px, 1.2fr) minmax(200px, 3fr) 96px 88px 72px minmax(110px, 1fr)';

type Props = {
  tickets: readonly Ticket[];
  citizens: ReadonlyMap<string, Citizen>;
  selected: number;
  onSelect: (index: number) => void;
  onOpen: (ticket: Ticket) => void;
  /** The clerk scrolled near the end of what is loaded. */
  onNearEnd: () => void;
  now: number;
  /** Focus follows the selection (after a key press, not after a live update). */
  focusSelected: boolean;
  label: string;
};

export function InboxList({ tickets, citizens, selected, onSelect, onOpen, onNearEnd, now, focusSelected, label }: Props) {
  const { t, i18n } = useTranslation();
  const { directory } = useWorkspace();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: tickets.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (last && last.index >= tickets.length - 20) onNearEnd();
  }, [last, tickets.length, onNearEnd]);

  useEffect(() => {
    if (selected < 0 || selected >= tickets.length) return;
    virtualizer.scrollToIndex(selected, { align: 'auto' });
    if (focusSelected) {
      // The row exists once the virtualizer has rendered it: the next frame.
      requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${selected}"]`)?.focus());
    }
  }, [selected, focusSelected, tickets.length, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      onSelect(Math.min(tickets.length - 1, selected + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      onSelect(Math.max(0, selected - 1));
    } else if (event.key === 'Enter' && tickets[selected]) {
      event.preventDefault();
      onOpen(tickets[selected]);
    }
  };

  const header = [t('inbox.columns.channel'), t('inbox.columns.citizen'), t('inbox.columns.subject'), t('inbox.status'), t('inbox.columns.age'), t('inbox.columns.due'), t('inbox.columns.assignee')];
  return (
    <Box sx={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column', bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider' }}>
      <Box aria-hidden sx={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 1, px: 2, py: 0.5, borderBottom: 1, borderColor: 'divider', color: 'text.secondary', fontSize: 12, fontWeight: 600 }}>
        {header.map((name, i) => (
          <span key={i}>{i === 0 ? '' : name}</span>
        ))}
      </Box>
      <Box ref={scroller} role="listbox" aria-label={label} tabIndex={tickets.length === 0 ? 0 : -1} onKeyDown={onKeyDown} data-testid="inbox-list" sx={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
        <Box sx={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const ticket = tickets[item.index]!;
            const citizen = citizens.get(ticket.citizenId);
            const assignee = directory.users.get(ticket.assigneeId);
            const overdue = ticket.dueAt !== NO_DUE_DATE && ticket.dueAt < now && (ticket.status === 'new' || ticket.status === 'open' || ticket.status === 'pending');
            const isSelected = item.index === selected;
            return (
              <Box
                key={ticket.id}
                role="option"
                aria-selected={isSelected}
                aria-setsize={tickets.length}
                aria-posinset={item.index + 1}
                data-index={item.index}
                data-ticket-id={ticket.id}
                data-reference={ticket.reference}
                tabIndex={isSelected ? 0 : -1}
                onClick={() => onSelect(item.index)}
                onDoubleClick={() => onOpen(ticket)}
                onFocus={() => !isSelected && onSelect(item.index)}
                sx={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  display: 'grid',
                  gridTemplateColumns: COLUMNS,
                  gap: 1,
                  alignItems: 'center',
                  px: 2,
                  cursor: 'pointer',
                  borderBottom: 1,
                  borderColor: 'divider',
                  bgcolor: isSelected ? 'action.selected' : ticket.status === 'new' ? '#fffdf2' : 'background.paper',
                  '&:hover': { bgcolor: 'action.hover' },
                  '&:focus-visible': { outline: '3px solid #f9a825', outlineOffset: '-3px' },
                }}
              >
                <ChannelIcon channel={ticket.channel} color="action" />
                <Typography noWrap variant="body2" sx={{ fontWeight: ticket.status === 'new' ? 700 : 400 }}>
                  {citizen?.name ?? (ticket.citizenId ? '…' : t('inbox.noCitizen'))}
                </Typography>
                <Box sx={{ minWidth: 0 }}>
                  <Typography noWrap variant="body2" sx={{ fontWeight: ticket.status === 'new' ? 700 : 500 }}>
                    {ticket.subject || t('inbox.noSubject')}
                  </Typography>
                  <Typography noWrap variant="caption" color="text.secondary">
                    {ticket.reference}
                    {ticket.priority === 'high' || ticket.priority === 'urgent' ? ` · ${t(`priority.${ticket.priority}`)}` : ''}
                  </Typography>
                </Box>
                <Chip size="small" variant="outlined" label={t(`status.${ticket.status}`)} sx={{ justifySelf: 'start' }} />
                <Typography variant="body2" color="text.secondary">
                  {age(t, ticket.createdAt, now)}
                </Typography>
                <Typography variant="body2" sx={overdue ? { color: 'error.main', fontWeight: 700 } : undefined}>
                  {ticket.dueAt === NO_DUE_DATE ? t('inbox.noDue') : shortDate(i18n.language, ticket.dueAt)}
                  {overdue && <Box component="span" sx={{ position: 'absolute', left: -9999 }}>{` (${t('inbox.overdue')})`}</Box>}
                </Typography>
                <Typography noWrap variant="body2" color={assignee ? 'text.primary' : 'text.secondary'}>
                  {assignee?.name ?? t('inbox.unassigned')}
                </Typography>
              </Box>
            );
          })}
        </Box>
      </Box>
    </Box>
  );
}

// The inbox's virtualised list (@tanstack/react-virtual): only the rows on screen are in the DOM,
// so 100k tickets scroll like 100. A listbox: j/k (or the arrows) move the selection, Enter opens.
import Box from '@mui/material/Box';
import type { SxProps, Theme } from '@mui/material/styles';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TFunction } from 'i18next';
import type { WorkingCalendar } from '../../core/calendar';
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, NO_DUE_DATE, TICKET_PRIORITIES, TICKET_STATUSES, type Channel, type Citizen, type Ticket, type TicketPriority, type TicketStatus } from '../../core/schemas';
import { useWorkspace } from '../app/workspace';
import { calendarOf, dueStateOf, isOverdue } from '../data/deadlines';
import { snippetParts } from '../data/search-snippet';
import type { SearchSnippet } from '../hooks/use-inbox';
import { age, shortDate } from '../i18n/format';
import { CHANNEL_ICONS } from './ChannelIcon';

const ROW_HEIGHT = 56;
/** Search results are taller: a third line, the width of the row, shows where the words matched. */
const SEARCH_ROW_HEIGHT = 76;
const COLUMNS = '32px minmax(140px, 1.2fr) minmax(200px, 3fr) 96px 88px 72px minmax(110px, 1fr)';
/**
 * Below 900 CSS px (a small window, or 200 % zoom: WCAG 1.4.10 reflow) the columns would need
 * ~800 px and scroll sideways: the row keeps channel, subject (with the citizen beside the
 * reference) and due date; status, age and assignee are on the ticket.
 */
const NARROW = '@media (max-width: 899.95px)';
const NARROW_COLUMNS = '32px minmax(0, 1fr) 88px';
/** The header's columns that the narrow layout leaves out (citizen, status, age, assignee). */
const WIDE_ONLY_COLUMNS = new Set([1, 3, 4, 6]);

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
  /** Search results: where each ticket matched, by ticket id (rows without one show none). */
  snippets?: ReadonlyMap<string, SearchSnippet>;
};

export function InboxList({ tickets, citizens, selected, onSelect, onOpen, onNearEnd, now, focusSelected, label, snippets }: Props) {
  const { t, i18n } = useTranslation();
  const { directory } = useWorkspace();
  const scroller = useRef<HTMLDivElement>(null);
  const rowHeight = snippets ? SEARCH_ROW_HEIGHT : ROW_HEIGHT;
  const virtualizer = useVirtualizer({ count: tickets.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  // The virtualizer keeps the sizes it computed: a search started or ended changes them all.
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

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

  // One handler per list, not per row (event delegation): the rows stay pure and memoised.
  const indexOf = (event: { target: EventTarget }) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="option"]');
    return row ? Number(row.dataset.index) : -1;
  };
  // Each department's calendar resolved once per directory, not once per row and render.
  const calendarFor = useMemo(() => {
    const resolved = new Map<string, WorkingCalendar | undefined>();
    return (departmentId: string) => {
      if (!resolved.has(departmentId)) resolved.set(departmentId, calendarOf(departmentId, directory.departmentList, directory.calendars));
      return resolved.get(departmentId);
    };
  }, [directory.departmentList, directory.calendars]);
  const header = [t('inbox.columns.channel'), t('inbox.columns.citizen'), t('inbox.columns.subject'), t('inbox.status'), t('inbox.columns.age'), t('inbox.columns.due'), t('inbox.columns.assignee')];
  const words = useMemo<RowWords>(
    () => ({
      t,
      noCitizen: t('inbox.noCitizen'),
      noSubject: t('inbox.noSubject'),
      noDue: t('inbox.noDue'),
      overdue: t('inbox.overdue'),
      dueSoon: t('ticket.dueSoon'),
      unassigned: t('inbox.unassigned'),
      snippetIn: { ticket: t('inbox.snippetIn.ticket'), message: t('inbox.snippetIn.message') },
      channel: Object.fromEntries(CHANNELS.map((channel) => [channel, t(`channel.${channel}`)])) as Record<Channel, string>,
      status: Object.fromEntries(TICKET_STATUSES.map((status) => [status, t(`status.${status}`)])) as Record<TicketStatus, string>,
      priority: Object.fromEntries(TICKET_PRIORITIES.map((priority) => [priority, t(`priority.${priority}`)])) as Record<TicketPriority, string>,
    }),
    [t, i18n.language],
  );
  return (
    // At least a few rows tall: in a short window (or zoomed in) the page scrolls rather than the list vanishing.
    <Box sx={{ flex: 1, minHeight: 220, display: 'flex', flexDirection: 'column', bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider' }}>
      <Box aria-hidden sx={HEADER_SX}>
        {header.map((name, i) => (
          <span key={i} className={WIDE_ONLY_COLUMNS.has(i) ? 'wide' : undefined}>
            {i === 0 ? '' : name}
          </span>
        ))}
      </Box>
      <Box
        ref={scroller}
        role="listbox"
        aria-label={label}
        tabIndex={tickets.length === 0 ? 0 : -1}
        onKeyDown={onKeyDown}
        onClick={(event) => {
          const index = indexOf(event);
          if (index >= 0) onSelect(index);
        }}
        onDoubleClick={(event) => {
          const ticket = tickets[indexOf(event)];
          if (ticket) onOpen(ticket);
        }}
        onFocus={(event) => {
          const index = indexOf(event);
          if (index >= 0 && index !== selected) onSelect(index);
        }}
        data-testid="inbox-list"
        sx={LIST_SX}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const ticket = tickets[item.index]!;
            return (
              <InboxRow
                key={ticket.id}
                ticket={ticket}
                index={item.index}
                start={item.start}
                count={tickets.length}
                selected={item.index === selected}
                citizenName={citizens.get(ticket.citizenId)?.name}
                assigneeName={directory.users.get(ticket.assigneeId)?.name}
                now={now}
                words={words}
                language={i18n.language}
                snippet={snippets?.get(ticket.id)}
                height={rowHeight}
                dueSoon={dueStateOf(ticket, calendarFor(ticket.departmentId), now).state === 'near'}
              />
            );
          })}
        </div>
      </Box>
    </Box>
  );
}

/** What a row says besides its ticket, translated once per list rather than once per row. */
type RowWords = {
  t: TFunction;
  noCitizen: string;
  noSubject: string;
  noDue: string;
  overdue: string;
  dueSoon: string;
  unassigned: string;
  snippetIn: Record<SearchSnippet['source'], string>;
  channel: Record<Channel, string>;
  status: Record<TicketStatus, string>;
  priority: Record<TicketPriority, string>;
};

type RowProps = {
  ticket: Ticket;
  index: number;
  start: number;
  count: number;
  selected: boolean;
  citizenName: string | undefined;
  assigneeName: string | undefined;
  now: number;
  words: RowWords;
  language: string;
  snippet: SearchSnippet | undefined;
  height: number;
  /** Due within two working days, on its department's calendar. */
  dueSoon: boolean;
};

function sameRow(a: RowProps, b: RowProps): boolean {
  return (
    a.ticket === b.ticket &&
    a.index === b.index &&
    a.start === b.start &&
    a.count === b.count &&
    a.selected === b.selected &&
    a.dueSoon === b.dueSoon &&
    a.citizenName === b.citizenName &&
    a.assigneeName === b.assigneeName &&
    a.now === b.now &&
    a.words === b.words &&
    a.language === b.language &&
    a.snippet === b.snippet &&
    a.height === b.height
  );
}

/**
 * One row, in plain elements styled by the list's classes: a row is rendered for every ticket
 * that scrolls into view and for every change of the list, so it must cost little — MUI's
 * styled components here cost a style serialisation each (measured in docs/performance.md).
 */
const InboxRow = memo(function InboxRow({ ticket, index, start, count, selected, citizenName, assigneeName, now, words, language, snippet, height, dueSoon }: RowProps) {
  const isNew = ticket.status === 'new';
  const overdue = isOverdue(ticket, now);
  const urgent = ticket.priority === 'high' || ticket.priority === 'urgent';
  const Icon = CHANNEL_ICONS[ticket.channel];
  return (
    <div
      role="option"
      aria-selected={selected}
      aria-setsize={count}
      aria-posinset={index + 1}
      data-index={index}
      data-ticket-id={ticket.id}
      data-reference={ticket.reference}
      tabIndex={selected ? 0 : -1}
      className={`row${isNew ? ' new' : ''}${snippet ? ' with-snippet' : ''}`}
      style={{ transform: `translateY(${start}px)`, height }}
    >
      <Icon titleAccess={words.channel[ticket.channel]} fontSize="small" color="action" />
      <span className="cell name wide">{citizenName ?? (ticket.citizenId ? '…' : words.noCitizen)}</span>
      <span className="cell-stack">
        <span className="cell subject">{ticket.subject || words.noSubject}</span>
        <span className="cell detail">
          {ticket.reference}
          {urgent ? ` · ${words.priority[ticket.priority]}` : ''}
          {citizenName && <span className="narrow">{` · ${citizenName}`}</span>}
        </span>
      </span>
      <span className="status wide">{words.status[ticket.status]}</span>
      <span className="cell secondary wide">{age(words.t, ticket.createdAt, now)}</span>
      <span className={overdue ? 'cell overdue' : dueSoon ? 'cell due-soon' : 'cell'}>
        {ticket.dueAt === NO_DUE_DATE ? words.noDue : shortDate(language, ticket.dueAt)}
        {overdue && <span className="visually-hidden">{` (${words.overdue})`}</span>}
        {dueSoon && <span className="visually-hidden">{` (${words.dueSoon})`}</span>}
      </span>
      <span className={assigneeName ? 'cell wide' : 'cell secondary wide'}>{assigneeName ?? words.unassigned}</span>
      {snippet && <SnippetLine snippet={snippet} label={words.snippetIn[snippet.source]} />}
    </div>
  );
}, sameRow);

/**
 * Where a search matched, the matched words in <mark>. Every piece is React text, never HTML
 * (no dangerouslySetInnerHTML): a mail's `<script>` shows as those characters.
 */
function SnippetLine({ snippet, label }: { snippet: SearchSnippet; label: string }) {
  return (
    <span className="cell snippet" data-testid="search-snippet">
      <span className="snippet-source">{label} </span>
      {snippetParts(snippet.snippet).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </span>
  );
}

const LIST_SX: SxProps<Theme> = {
  flex: 1,
  minHeight: 0,
  overflow: 'auto',
  '& .row': {
    position: 'absolute',
    top: 0,
    left: 0,
    right: 0,
    height: ROW_HEIGHT,
    display: 'grid',
    gridTemplateColumns: COLUMNS,
    gap: 1,
    alignItems: 'center',
    px: 2,
    cursor: 'pointer',
    borderBottom: 1,
    borderColor: 'divider',
    bgcolor: 'background.paper',
    typography: 'body2',
    '&.new': { bgcolor: '#fffdf2', '& .name, & .subject': { fontWeight: 700 } },
    '&[aria-selected="true"]': { bgcolor: 'action.selected' },
    '&:hover': { bgcolor: 'action.hover' },
    '&:focus-visible': { outline: '3px solid #f9a825', outlineOffset: '-3px' },
    // The snippet is a second grid row, from the citizen's column to the end.
    '&.with-snippet': { gridTemplateRows: 'auto auto', alignContent: 'center', rowGap: '2px' },
  },
  '& .snippet': { gridColumn: '2 / -1', typography: 'caption', color: 'text.primary' },
  '& .snippet-source': { color: 'text.secondary', fontStyle: 'italic' },
  // Amber as the focus ring, with black text on it: well over 4.5:1.
  '& .snippet mark': { bgcolor: '#ffe082', color: 'inherit', fontWeight: 700, borderRadius: '2px', px: '1px' },
  '& .cell': { display: 'block', minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  '& .cell-stack': { display: 'flex', flexDirection: 'column', minWidth: 0 },
  '& .subject': { fontWeight: 500 },
  '& .detail': { typography: 'caption', color: 'text.secondary' },
  '& .secondary': { color: 'text.secondary' },
  '& .overdue': { color: 'error.main', fontWeight: 700 },
  // Dark amber: 6.9:1 on white, where MUI's warning colours fall below 4.5:1 for text.
  '& .due-soon': { color: '#8a4500', fontWeight: 700 },
  // As MUI's small outlined Chip looked, without a component per row.
  '& .status': { justifySelf: 'start', px: 1, lineHeight: '22px', border: 1, borderColor: 'grey.400', borderRadius: 4, fontSize: '0.8125rem', whiteSpace: 'nowrap' },
  '& .visually-hidden': { position: 'absolute', left: -9999 },
  '& .narrow': { display: 'none' },
  [NARROW]: { '& .row': { gridTemplateColumns: NARROW_COLUMNS }, '& .wide': { display: 'none' }, '& .narrow': { display: 'inline' } },
};

const HEADER_SX: SxProps<Theme> = {
  display: 'grid',
  gridTemplateColumns: COLUMNS,
  gap: 1,
  px: 2,
  py: 0.5,
  borderBottom: 1,
  borderColor: 'divider',
  color: 'text.secondary',
  fontSize: 12,
  fontWeight: 600,
  [NARROW]: { gridTemplateColumns: NARROW_COLUMNS, '& .wide': { display: 'none' } },
};

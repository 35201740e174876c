// The unified inbox: one list for every channel, five views with live counts, filters, sort and
// full-text search, over a replica of any size (queries through the indexes: data/inbox-queries).
import Alert from '@mui/material/Alert';
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../core/schemas';
import type { Route } from '../app/routes';
import { useWorkspace } from '../app/workspace';
import { InboxFilterBar } from '../components/InboxFilterBar';
import { InboxList } from '../components/InboxList';
import { SearchIndexHint } from '../components/SearchIndexHint';
import { inboxSort, INBOX_VIEWS, parseFilters, type InboxContext, type InboxView } from '../data/inbox-queries';
import { searchIndexHint } from '../data/search-index-hint';
import { PAGE, useCitizens, useInboxRows, useTicketSearch, useViewCounts } from '../hooks/use-inbox';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useMinute } from '../hooks/use-minute';
import { formatCount } from '../i18n/format';
import { useSearchIndexStatus } from '../hooks/use-search-index-status';

type Props = { view: InboxView; params: URLSearchParams; go: (route: Route, replace?: boolean) => void };

export function Inbox({ view, params, go }: Props) {
  const { t } = useTranslation();
  const { db, session, directory, me } = useWorkspace();
  const now = useMinute();
  const filters = useMemo(() => parseFilters(params), [params]);
  const sort = useMemo(() => inboxSort(view, params), [view, params]);
  const context = useMemo<InboxContext>(
    () => ({
      userId: me,
      // An administrator without departments sees every department's queue.
      departmentIds: session.user.departmentIds.length > 0 ? session.user.departmentIds : directory.departmentList.map((department) => department.id),
      now,
    }),
    [me, session.user.departmentIds, directory.departmentList, now],
  );
  // The page size and the selection belong to one list (a view with its filters): a new list
  // starts from the first page at its first row in the same render, never querying the old
  // list's grown limit first.
  const listKey = `${view}?${params.toString()}`;
  const [paging, setPaging] = useState({ listKey, limit: PAGE });
  const limit = paging.listKey === listKey ? paging.limit : PAGE;
  const [selection, setSelection] = useState({ listKey, index: 0 });
  const selected = selection.listKey === listKey ? selection.index : 0;
  const setSelected = useCallback((index: number | ((current: number) => number)) => {
    setSelection((current) => {
      const from = current.listKey === listKey ? current.index : 0;
      return { listKey, index: typeof index === 'function' ? index(from) : index };
    });
  }, [listKey]);
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const [focusSelected, setFocusSelected] = useState(false);
  const searchBox = useRef<HTMLInputElement>(null);

  const rows = useInboxRows(db, view, context, filters, sort, limit);
  const counts = useViewCounts(db, context);
  const indexStatus = useSearchIndexStatus(searchText);
  const search = useTicketSearch(db, searchText, indexStatus?.caughtUp === false ? `behind:${indexStatus.remaining ?? ''}` : 'caught-up');
  const tickets: readonly Ticket[] = search ? search.tickets : rows.value;
  const citizens = useCitizens(db, useMemo(() => tickets.slice(0, Math.max(limit, 200)).map((ticket) => ticket.citizenId), [tickets, limit]));

  const empty = !search && !rows.loading && tickets.length === 0;
  const filtered = Object.keys(filters).length > 0;
  const nothingShown = empty || (search !== undefined && !search.loading && search.tickets.length === 0);
  const open = useCallback((ticket: Ticket) => go({ screen: 'ticket', ticketId: ticket.id }), [go]);
  const onNearEnd = useCallback(() => {
    if (!search && !rows.loading && rows.value.length >= limit) setPaging({ listKey, limit: limit + PAGE });
  }, [search, rows.loading, rows.value.length, limit, listKey]);
  const move = (delta: number) => {
    setFocusSelected(true);
    setSelected((current) => Math.max(0, Math.min(tickets.length - 1, current + delta)));
  };

  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => tickets[selected] && open(tickets[selected]),
    '/': () => searchBox.current?.focus(),
  });

  return (
    <Box sx={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <Typography variant="h5" component="h1" sx={{ position: 'absolute', left: -9999 }}>
        {t('inbox.title')}
      </Typography>
      <ViewTabs view={view} counts={counts} go={go} />
      <InboxFilterBar view={view} params={params} filters={filters} sort={sort} searchText={searchText} onSearchText={setSearchText} searchBox={searchBox} go={go} />
      {/* The live region says it for screen readers; when the list is empty the panel below shows it (once) on screen. */}
      <Box role="status" aria-live="polite" sx={nothingShown ? VISUALLY_HIDDEN : { px: 2, py: 0.5, fontSize: 13, color: 'text.secondary' }} data-testid="inbox-status" data-loading={search ? search.loading : rows.loading}>
        {search ? t('inbox.searchResults', { count: search.tickets.length, text: search.text }) : empty ? t(filtered ? 'inbox.emptyFiltered' : 'inbox.empty') : t('inbox.shown', { count: tickets.length })}
      </Box>
      {/* An empty list says why where the rows would be, and a filtered one offers the way out. */}
      {nothingShown && (
        <Stack direction="row" spacing={2} useFlexGap data-testid="inbox-empty" sx={{ alignItems: 'center', flexWrap: 'wrap', px: 2, py: 3, bgcolor: 'background.paper', borderBottom: 1, borderColor: 'divider' }}>
          <Typography aria-hidden>{search ? t('inbox.emptySearch') : t(filtered ? 'inbox.emptyFiltered' : 'inbox.empty')}</Typography>
          {!search && filtered && (
            <Button variant="outlined" onClick={() => go({ screen: 'inbox', view, params: new URLSearchParams() }, true)}>
              {t('inbox.clearFilters')}
            </Button>
          )}
        </Stack>
      )}
      <SearchIndexHint hint={searchIndexHint(indexStatus, search !== undefined)} />
      {search?.error && <Alert severity="warning">{t('inbox.searchFailed', { message: search.error })}</Alert>}
      {rows.error && <Alert severity="error">{t('errors.generic', { message: rows.error.message })}</Alert>}
      <InboxList
        tickets={tickets}
        citizens={citizens}
        selected={selected}
        onSelect={(index) => {
          setFocusSelected(false);
          setSelected(index);
        }}
        onOpen={open}
        onNearEnd={onNearEnd}
        now={now}
        focusSelected={focusSelected}
        label={t('inbox.list')}
        {...(search && { snippets: search.snippets })}
      />
    </Box>
  );
}

type ViewTabsProps = { view: InboxView; counts: Partial<Record<InboxView, number>>; go: Props['go'] };

/** The views with their live counts; memoised: a filter change or a new page does not touch it. */
const ViewTabs = memo(function ViewTabs({ view, counts, go }: ViewTabsProps) {
  const { t, i18n } = useTranslation();
  return (
    <Tabs
      value={view}
      onChange={(_, next: InboxView) => go({ screen: 'inbox', view: next, params: new URLSearchParams() })}
      aria-label={t('views.label')}
      variant="scrollable"
      sx={{ bgcolor: 'background.paper', px: 1 }}
    >
      {INBOX_VIEWS.map((name) => (
        <Tab
          key={name}
          value={name}
          data-testid={`view-${name}`}
          label={
            <Stack sx={{ alignItems: 'center' }} direction="row" spacing={1.5}>
              <span>{t(`views.${name}`)}</span>
              {/* In the language's digits (12.345, not 12345): a council's open tickets run to five figures. */}
              <Badge badgeContent={counts[name] === undefined ? '…' : formatCount(i18n.language, counts[name])} color={name === 'overdue' ? 'error' : 'primary'} showZero sx={{ '& .MuiBadge-badge': { position: 'static', transform: 'none' } }} data-testid={`count-${name}`} />
            </Stack>
          }
        />
      ))}
    </Tabs>
  );
});

/** Out of sight, still read by screen readers. */
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

// The unified inbox: one list for every channel, five views with live counts, filters, sort and
// full-text search, over a replica of any size (queries through the indexes: data/inbox-queries).
import ClearIcon from '@mui/icons-material/Clear';
import SearchIcon from '@mui/icons-material/Search';
import Alert from '@mui/material/Alert';
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, type Ticket } from '../../core/schemas';
import type { Route } from '../app/routes';
import { useWorkspace } from '../app/workspace';
import { InboxList } from '../components/InboxList';
import { INBOX_SORTS, INBOX_VIEWS, parseFilters, type InboxContext, type InboxSort, type InboxView } from '../data/inbox-queries';
import { PAGE, useCitizens, useInboxRows, useTicketSearch, useViewCounts } from '../hooks/use-inbox';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useMinute } from '../hooks/use-minute';

type Props = { view: InboxView; params: URLSearchParams; go: (route: Route, replace?: boolean) => void };

const ANY = '__any';

export function Inbox({ view, params, go }: Props) {
  const { t } = useTranslation();
  const { db, session, directory, me } = useWorkspace();
  const now = useMinute();
  const filters = useMemo(() => parseFilters(params), [params]);
  const sort: InboxSort = (INBOX_SORTS as readonly string[]).includes(params.get('sort') ?? '') ? (params.get('sort') as InboxSort) : view === 'overdue' ? 'due-asc' : 'activity-desc';
  const context = useMemo<InboxContext>(
    () => ({
      userId: me,
      // An administrator without departments sees every department's queue.
      departmentIds: session.user.departmentIds.length > 0 ? session.user.departmentIds : directory.departmentList.map((department) => department.id),
      now,
    }),
    [me, session.user.departmentIds, directory.departmentList, now],
  );
  const [limit, setLimit] = useState(PAGE);
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const [selected, setSelected] = useState(0);
  const [focusSelected, setFocusSelected] = useState(false);
  const searchBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setLimit(PAGE);
    setSelected(0);
  }, [view, params]);

  const rows = useInboxRows(db, view, context, filters, sort, limit);
  const counts = useViewCounts(db, context);
  const search = useTicketSearch(db, searchText);
  const tickets: readonly Ticket[] = search ? search.tickets : rows.value;
  const citizens = useCitizens(db, useMemo(() => tickets.slice(0, Math.max(limit, 200)).map((ticket) => ticket.citizenId), [tickets, limit]));

  const setParams = (change: (next: URLSearchParams) => void, nextView: InboxView = view) => {
    const next = new URLSearchParams(params);
    change(next);
    go({ screen: 'inbox', view: nextView, params: next }, true);
  };
  const setFilter = (name: string, value: string) => setParams((next) => (value === ANY ? next.delete(name) : next.set(name, value)));

  const open = useCallback((ticket: Ticket) => go({ screen: 'ticket', ticketId: ticket.id }), [go]);
  const onNearEnd = useCallback(() => {
    if (!search && rows.value.length >= limit) setLimit((current) => current + PAGE);
  }, [search, rows.value.length, limit]);
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

  const select = (name: string, label: string, value: string | undefined, options: readonly { value: string; label: string }[]) => (
    <FormControl size="small" sx={{ minWidth: 150 }}>
      <InputLabel id={`filter-${name}`}>{label}</InputLabel>
      <Select labelId={`filter-${name}`} label={label} value={value ?? ANY} onChange={(e) => setFilter(name, String(e.target.value))}>
        <MenuItem value={ANY}>{t('inbox.any')}</MenuItem>
        {options.map((option) => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
  const filtered = Object.keys(filters).length > 0;
  const departmentOptions = [{ value: '', label: t('ticket.intake') }, ...directory.departmentList.map((department) => ({ value: department.id, label: department.name }))];

  return (
    <Box sx={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <Typography variant="h5" component="h1" sx={{ position: 'absolute', left: -9999 }}>
        {t('inbox.title')}
      </Typography>
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
                <Badge badgeContent={counts[name] ?? '…'} max={99999} color={name === 'overdue' ? 'error' : 'primary'} showZero sx={{ '& .MuiBadge-badge': { position: 'static', transform: 'none' } }} data-testid={`count-${name}`} />
              </Stack>
            }
          />
        ))}
      </Tabs>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', p: 1.5, bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider' }} role="search">
        <TextField
          inputRef={searchBox}
          size="small"
          label={t('inbox.search')}
          placeholder={t('inbox.searchPlaceholder')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onKeyDown={(e) => {
            // Esc clears the search first, then leaves the box (use-shortcuts blurs it).
            if (e.key === 'Escape' && searchText) {
              e.preventDefault();
              setSearchText('');
            }
          }}
          sx={{ minWidth: 320, flex: 1 }}
          slotProps={{
            htmlInput: { 'aria-keyshortcuts': '/' },
            input: {
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon aria-hidden />
                </InputAdornment>
              ),
              endAdornment: searchText ? (
                <InputAdornment position="end">
                  <IconButton size="small" aria-label={t('inbox.clearSearch')} onClick={() => setSearchText('')}>
                    <ClearIcon fontSize="small" />
                  </IconButton>
                </InputAdornment>
              ) : undefined,
            },
          }}
        />
        {select('status', t('inbox.status'), filters.status, TICKET_STATUSES.map((value) => ({ value, label: t(`status.${value}`) })))}
        {select('channel', t('inbox.channel'), filters.channel, CHANNELS.map((value) => ({ value, label: t(`channel.${value}`) })))}
        {select('department', t('inbox.department'), filters.departmentId, departmentOptions)}
        {select('priority', t('inbox.priority'), filters.priority, TICKET_PRIORITIES.map((value) => ({ value, label: t(`priority.${value}`) })))}
        <FormControl size="small" sx={{ minWidth: 190 }}>
          <InputLabel id="inbox-sort">{t('inbox.sort')}</InputLabel>
          <Select labelId="inbox-sort" label={t('inbox.sort')} value={sort} onChange={(e) => setParams((next) => next.set('sort', String(e.target.value)))}>
            {INBOX_SORTS.map((value) => (
              <MenuItem key={value} value={value}>
                {t(`inbox.sorts.${value}`)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {filtered && (
          <Button onClick={() => go({ screen: 'inbox', view, params: new URLSearchParams() }, true)}>{t('inbox.clearFilters')}</Button>
        )}
      </Stack>
      <Box role="status" aria-live="polite" sx={{ px: 2, py: 0.5, fontSize: 13, color: 'text.secondary' }} data-testid="inbox-status" data-loading={search ? search.loading : rows.loading}>
        {search ? t('inbox.searchResults', { count: search.tickets.length, text: search.text }) : !rows.loading && tickets.length === 0 ? t('inbox.empty') : t('inbox.shown', { count: tickets.length })}
      </Box>
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
      />
    </Box>
  );
}


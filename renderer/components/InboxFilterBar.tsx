// The inbox's search box, filters and sort. Memoised: the list's pages, live counts and
// citizens' names arrive without re-rendering a row of MUI inputs (docs/performance.md#workstation).
import ClearIcon from '@mui/icons-material/Clear';
import SearchIcon from '@mui/icons-material/Search';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { memo, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from '../../core/schemas';
import type { Route } from '../app/routes';
import { useWorkspace } from '../app/workspace';
import { INBOX_SORTS, type InboxFilters, type InboxSort, type InboxView } from '../data/inbox-queries';

const ANY = '__any';

type Props = {
  view: InboxView;
  params: URLSearchParams;
  filters: InboxFilters;
  sort: InboxSort;
  searchText: string;
  onSearchText: (text: string) => void;
  searchBox: RefObject<HTMLInputElement | null>;
  go: (route: Route, replace?: boolean) => void;
};

export const InboxFilterBar = memo(function InboxFilterBar({ view, params, filters, sort, searchText, onSearchText, searchBox, go }: Props) {
  const { t } = useTranslation();
  const { directory } = useWorkspace();
const setParams = (change: (next: URLSearchParams) => void, nextView: InboxView = view) => {
  const next = new URLSearchParams(params);
  change(next);
  go({ screen: 'inbox', view: nextView, params: next }, true);
};
const setFilter = (name: string, value: string) => setParams((next) => (value === ANY ? next.delete(name) : next.set(name, value)));
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
    <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', p: 1.5, bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider' }} role="search">
      <TextField
        inputRef={searchBox}
        size="small"
        label={t('inbox.search')}
        placeholder={t('inbox.searchPlaceholder')}
        value={searchText}
        onChange={(e) => onSearchText(e.target.value)}
        onKeyDown={(e) => {
          // Esc clears the search first, then leaves the box (use-shortcuts blurs it).
          if (e.key === 'Escape' && searchText) {
            e.preventDefault();
            onSearchText('');
          }
        }}
        // Never wider than the bar: at 320 CSS px (400 % zoom) the box takes the whole line.
        sx={{ minWidth: 'min(320px, 100%)', flex: 1 }}
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
                <IconButton size="small" aria-label={t('inbox.clearSearch')} onClick={() => onSearchText('')}>
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
  );
});

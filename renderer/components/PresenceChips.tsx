// Who else views or replies to this ticket right now (the `presence` event; only while online).
import VisibilityIcon from '@mui/icons-material/Visibility';
import EditIcon from '@mui/icons-material/Edit';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PresenceEntry } from '../../core/app-api';
import { usePlatform } from '../hooks/use-platform';

export function usePresence(): PresenceEntry[] {
  const platform = usePlatform();
  const [entries, setEntries] = useState<PresenceEntry[]>([]);
  useEffect(() => platform.on('presence', setEntries), [platform]);
  return entries;
}

/** Tells the others what this clerk does on a ticket while the screen shows it. */
export function useAnnouncePresence(ticketId: string | null, activity: 'viewing' | 'replying'): void {
  const platform = usePlatform();
  useEffect(() => {
    void platform.call('presence:announce', { ticketId, activity });
  }, [platform, ticketId, activity]);
  useEffect(() => () => void platform.call('presence:announce', { ticketId: null, activity: 'viewing' }), [platform]);
}

export function PresenceChips({ ticketId, me }: { ticketId: string; me: string }) {
  const { t } = useTranslation();
  const others = usePresence().filter((entry) => entry.ticketId === ticketId && entry.userId !== me);
  if (others.length === 0) return null;
  return (
    <Stack direction="row" spacing={1} role="status" aria-label={t('presence.label')} data-testid="presence">
      {others.map((entry) => (
        <Chip
          key={entry.userId}
          size="small"
          color={entry.activity === 'replying' ? 'warning' : 'info'}
          icon={entry.activity === 'replying' ? <EditIcon /> : <VisibilityIcon />}
          label={t(entry.activity === 'replying' ? 'presence.replying' : 'presence.viewing', { name: entry.userName })}
        />
      ))}
    </Stack>
  );
}

// Always visible: whether this workstation syncs, since when it does not, and how many of the
// clerk's changes wait to reach the server (`sync:status`, pushed by the service as it changes).
import CloudDoneIcon from '@mui/icons-material/CloudDone';
import CloudOffIcon from '@mui/icons-material/CloudOff';
import ComputerIcon from '@mui/icons-material/Computer';
import ErrorIcon from '@mui/icons-material/Error';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatusView } from '../../core/app-api';
import { usePlatform } from '../hooks/use-platform';
import { dateTime, timeOfDay } from '../i18n/format';

export function useSyncStatus(): SyncStatusView | undefined {
  const platform = usePlatform();
  const [status, setStatus] = useState<SyncStatusView>();
  useEffect(() => {
    let live = true;
    const stop = platform.on('sync:status', (value) => setStatus(value));
    void platform.call('sync:status', {}).then((answer) => {
      if (live && answer.ok) setStatus((current) => current ?? answer.value);
    });
    return () => {
      live = false;
      stop();
    };
  }, [platform]);
  return status;
}

export function SyncIndicator({ serviceDown }: { serviceDown: boolean }) {
  const { t, i18n } = useTranslation();
  const status = useSyncStatus();
  const language = i18n.language;
  let label: string;
  let color: 'success' | 'warning' | 'error' | 'default';
  let icon = <CloudDoneIcon />;
  if (serviceDown) {
    label = t('sync.serviceDown');
    color = 'warning';
    icon = <CloudOffIcon />;
  } else if (!status) {
    label = t('app.loading');
    color = 'default';
  } else if (status.state === 'online') {
    label = t('sync.online');
    color = 'success';
  } else if (status.state === 'local-only') {
    label = t('sync.localOnly');
    color = 'default';
    icon = <ComputerIcon />;
  } else if (status.state === 'error') {
    label = t('sync.error');
    color = 'error';
    icon = <ErrorIcon />;
  } else if (status.state === 'offline') {
    label = status.offlineSince ? t('sync.offlineSince', { time: timeOfDay(language, status.offlineSince) }) : t('sync.offline');
    color = 'warning';
    icon = <CloudOffIcon />;
  } else {
    label = t('sync.signedOut');
    color = 'default';
  }
  const pending = status && status.pendingPushes > 0 ? t('sync.pending', { count: status.pendingPushes }) : undefined;
  const detail = status?.lastError ? t('sync.lastError', { error: `${status.lastError}${status.lastErrorAt ? ` (${dateTime(language, status.lastErrorAt)})` : ''}` }) : '';
  const text = pending ? `${label} · ${pending}` : label;
  return (
    <Tooltip title={detail || text}>
      {/* role=status: a screen reader hears "Sin conexión" when it happens, without focus moving. */}
      <Chip role="status" aria-live="polite" data-testid="sync-status" data-state={serviceDown ? 'service-down' : status?.state} icon={icon} label={text} color={color} variant={color === 'default' ? 'outlined' : 'filled'} size="small" />
    </Tooltip>
  );
}

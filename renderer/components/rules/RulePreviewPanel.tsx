// "Esta regla habría coincidido con 23 de los últimos 500 expedientes", and which: the rule's own
// conditions against the newest tickets of the replica (use-rule-preview.ts).
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PreviewState } from './use-rule-preview';
import { problemError } from '../../data/rules-draft';
import { sayError } from './say-error';

/** Tickets listed; the count says how many more there are. */
const LISTED = 50;

export function RulePreviewPanel({ preview }: { preview: PreviewState }) {
  const { t } = useTranslation();
  const matched = useMemo(() => {
    if (preview.state !== 'ready' || !preview.preview.ok) return [];
    const ids = new Set(preview.preview.matchedTicketIds.slice(0, LISTED));
    return preview.sample.filter((ticket) => ids.has(ticket.id));
  }, [preview]);

  let body;
  if (preview.state === 'loading') {
    body = (
      <>
        <Typography role="status">{t('rules.preview.loading')}</Typography>
        <LinearProgress aria-label={t('rules.preview.loading')} sx={{ mt: 1 }} />
      </>
    );
  } else if (preview.state === 'failed') {
    body = <Alert severity="error">{t('errors.generic', { message: preview.message })}</Alert>;
  } else if (preview.state === 'incomplete') {
    body = <Typography role="status" color="text.secondary">{t('rules.preview.incomplete')}</Typography>;
  } else if (!preview.preview.ok) {
    const error = problemError(preview.preview.problem.message);
    body = <Alert severity="warning" role="status">{sayError(t, error)}</Alert>;
  } else if (preview.preview.examined === 0) {
    body = <Typography role="status" color="text.secondary">{t('rules.preview.nothing')}</Typography>;
  } else {
    const { matched: count, examined } = preview.preview;
    body = (
      <>
        <Typography role="status" data-testid="rule-preview-count" sx={{ fontWeight: 600, opacity: preview.stale ? 0.6 : 1 }}>
          {t('rules.preview.matched', { matched: count, count: examined })}
          {preview.stale ? ` · ${t('rules.preview.updating')}` : ''}
        </Typography>
        {matched.length > 0 && (
          <List dense aria-label={t('rules.preview.list')} sx={{ mt: 1, maxHeight: 420, overflow: 'auto' }}>
            {matched.map((ticket) => (
              <ListItem key={ticket.id} disableGutters divider>
                <ListItemText
                  primary={ticket.reference}
                  slotProps={{ primary: { sx: { fontWeight: 600, fontVariantNumeric: 'tabular-nums' } }, secondary: { sx: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } } }}
                  secondary={ticket.subject || t('rules.preview.noSubject')}
                />
              </ListItem>
            ))}
          </List>
        )}
        {count > matched.length && <Typography variant="body2" color="text.secondary">{t('rules.preview.more', { count: count - matched.length })}</Typography>}
      </>
    );
  }
  return (
    <Box component="section" aria-labelledby="rule-preview-title">
      <Typography variant="h6" component="h3" id="rule-preview-title">
        {t('rules.preview.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {t('rules.preview.own')}
      </Typography>
      {body}
    </Box>
  );
}

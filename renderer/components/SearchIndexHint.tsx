// Under the inbox's search box: while the full-text index is still catching up with the replica,
// a polite note that the results may be incomplete, and about how much is left. The live region
// is always in the page, so that screen readers announce the note when it appears and when it goes.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import { useTranslation } from 'react-i18next';
import type { SearchIndexHint as Hint } from '../data/search-index-hint';

export function SearchIndexHint({ hint }: { hint: Hint }) {
  const { t, i18n } = useTranslation();
  return (
    <Box role="status" aria-live="polite" data-testid="search-index-hint" data-hint={hint.kind} sx={{ px: 2 }}>
      {hint.kind !== 'none' && (
        // Not an alert (role="alert" interrupts): the status region around it speaks politely.
        <Alert severity="info" role="none" variant="outlined" sx={{ py: 0, my: 0.5 }}>
          {hint.kind === 'behind-count' ? t('inbox.searchIndexBehindCount', { count: hint.amount, amount: hint.amount.toLocaleString(i18n.language) }) : t('inbox.searchIndexBehind')}
        </Alert>
      )}
    </Box>
  );
}

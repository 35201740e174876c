// A ticket or citizen this replica does not have (a mistyped link, or one not yet replicated):
// a heading that says so, what to do about it, and the way back to the inbox — not a lone
// warning on an otherwise blank screen.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useTranslation } from 'react-i18next';

export function NotFound({ title, text, help }: { title: string; text: string; help: string }) {
  const { t } = useTranslation();
  return (
    <Box sx={{ p: 3, maxWidth: 800 }} data-testid="not-found">
      <Typography variant="h5" component="h1" gutterBottom>
        {title}
      </Typography>
      <Alert severity="warning" sx={{ mb: 2 }}>
        {text} {help}
      </Alert>
      <Button variant="contained" href="#/inbox/mine">
        {t('app.screenFailed.home')}
      </Button>
    </Box>
  );
}

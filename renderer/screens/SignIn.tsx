// First run and sign-in: the central server's address, email and password; or a standalone
// office on this PC only. Each failure says what to do about it, from the AppError code.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError, Session } from '../../core/app-api';
import { normalizeEmail } from '../../core/identity/contact';
import { usePlatform } from '../hooks/use-platform';

type Props = { lastServerUrl?: string; onSignedIn: (session: Session) => void };

export function SignIn({ lastServerUrl, onSignedIn }: Props) {
  const { t } = useTranslation();
  const platform = usePlatform();
  const [serverUrl, setServerUrl] = useState(lastServerUrl ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [localName, setLocalName] = useState('');
  const [localEmail, setLocalEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [touched, setTouched] = useState(false);

  const explain = (failure: AppError): string => {
    switch (failure.code) {
      case 'invalid_credentials':
      case 'server_unreachable':
      case 'bad_server_address':
      case 'forbidden':
        return t(`signIn.errors.${failure.code}`);
      default:
        return t('signIn.errors.other', { message: failure.message });
    }
  };

  const emailCheck = normalizeEmail(email);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!serverUrl.trim() || !emailCheck.ok || !password) return;
    setBusy(true);
    setError(undefined);
    const answer = await platform.call('session:sign-in', { serverUrl: serverUrl.trim(), email: emailCheck.address, password });
    setBusy(false);
    if (answer.ok) onSignedIn(answer.value);
    else setError(answer.error);
  };

  const localCheck = normalizeEmail(localEmail);
  const [localTouched, setLocalTouched] = useState(false);
  const workLocally = async (event: FormEvent) => {
    event.preventDefault();
    setLocalTouched(true);
    if (!localName.trim() || !localCheck.ok) return;
    setBusy(true);
    setError(undefined);
    const answer = await platform.call('session:work-locally', { name: localName.trim(), email: localCheck.address });
    setBusy(false);
    if (answer.ok) onSignedIn(answer.value);
    else setError(answer.error);
  };

  return (
    <Box component="main" id="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2 }}>
      <Paper sx={{ p: 4, width: '100%', maxWidth: 460 }} elevation={2}>
        <Typography variant="h4" component="h1" gutterBottom>
          {t('signIn.title')}
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          {t('signIn.intro')}
        </Typography>
        {error && (
          <Alert severity="error" role="alert" sx={{ mb: 2 }} data-testid="sign-in-error" data-code={error.code}>
            {explain(error)}
          </Alert>
        )}
        <Stack component="form" spacing={2} onSubmit={submit} noValidate aria-label={t('signIn.title')}>
          <TextField
            label={t('signIn.serverUrl')}
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            helperText={touched && !serverUrl.trim() ? t('signIn.required') : t('signIn.serverUrlHelp')}
            error={touched && !serverUrl.trim()}
            required
            autoFocus
            inputMode="url"
            autoComplete="url"
          />
          <TextField
            label={t('signIn.email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={touched && !emailCheck.ok}
            helperText={touched && !emailCheck.ok ? t('signIn.badEmail') : ' '}
            required
            autoComplete="username"
          />
          <TextField
            label={t('signIn.password')}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={touched && !password}
            helperText={touched && !password ? t('signIn.required') : ' '}
            required
            autoComplete="current-password"
          />
          <Button type="submit" variant="contained" size="large" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </Button>
        </Stack>
        <Divider sx={{ my: 3 }}>{t('signIn.or')}</Divider>
        <Stack component="form" spacing={2} onSubmit={workLocally} noValidate aria-label={t('signIn.local')}>
          <Typography variant="h6" component="h2">
            {t('signIn.local')}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {t('signIn.localIntro')}
          </Typography>
          <TextField
            label={t('signIn.localName')}
            value={localName}
            onChange={(e) => setLocalName(e.target.value)}
            error={localTouched && !localName.trim()}
            helperText={localTouched && !localName.trim() ? t('signIn.required') : ' '}
            autoComplete="name"
            size="small"
          />
          <TextField
            label={t('signIn.email')}
            type="email"
            value={localEmail}
            onChange={(e) => setLocalEmail(e.target.value)}
            error={localTouched && !localCheck.ok}
            helperText={localTouched && !localCheck.ok ? t('signIn.badEmail') : ' '}
            size="small"
          />
          <Button type="submit" variant="outlined" disabled={busy}>
            {t('signIn.localSubmit')}
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}

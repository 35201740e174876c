// The root: the session decides between the sign-in screen and the clerk's workspace; the
// workspace follows the clerk's database over the service's remote storage and shows a
// "reconnecting" state whenever the connection to the service drops.
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { Language, Session } from '../../core/app-api';
import type { Platform, WorkstationDatabase } from '../platform/platform';
import { PlatformContext, usePlatform } from '../hooks/use-platform';
import { useDirectory } from '../hooks/use-directory';
import { prefetchInbox } from '../hooks/inbox-prefetch';
import { createI18n } from '../i18n';
import { reportUncaughtErrors, screenLog } from '../platform/screen-log';
import { SignIn } from '../screens/SignIn';
import { Shell } from './Shell';
import { theme } from './theme';
import { WorkspaceContext, type SignedIn, type Workspace } from './workspace';

export function App({ platform }: { platform: Platform }) {
  const i18n = useMemo(() => createI18n('es'), []);
  // The screens' lines and uncaught errors go to the service's log (platform/screen-log.ts).
  useEffect(() => {
    const detach = screenLog.attach((entry) => platform.call('log:write', entry));
    const stop = reportUncaughtErrors(window);
    return () => {
      stop();
      detach();
    };
  }, [platform]);
  return (
    <PlatformContext.Provider value={platform}>
      <I18nextProvider i18n={i18n}>
        <ThemeProvider theme={theme}>
          <CssBaseline />
          <SessionGate />
        </ThemeProvider>
      </I18nextProvider>
    </PlatformContext.Provider>
  );
}

function Loading() {
  const { t } = useTranslation();
  return (
    <Box role="status" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }}>
      <Box sx={{ textAlign: 'center' }}>
        <CircularProgress aria-hidden />
        <Typography sx={{ mt: 2 }}>{t('app.loading')}</Typography>
      </Box>
    </Box>
  );
}

function SessionGate() {
  const platform = usePlatform();
  const { i18n } = useTranslation();
  const [session, setSession] = useState<Session>();
  useEffect(() => {
    let live = true;
    const stop = platform.on('session', (value) => setSession(value));
    void platform.call('session:get', {}).then((answer) => {
      if (live && answer.ok) setSession((current) => current ?? answer.value);
    });
    void platform.call('settings:get', {}).then((answer) => {
      if (live && answer.ok && answer.value.language !== i18n.language) void i18n.changeLanguage(answer.value.language);
    });
    return () => {
      live = false;
      stop();
    };
  }, [platform, i18n]);
  useEffect(() => {
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);

  if (!session) return <Loading />;
  if (session.state === 'signed-out') return <SignIn lastServerUrl={session.lastServerUrl} onSignedIn={setSession} />;
  return <WorkspaceGate key={session.databaseName} session={session} onSession={setSession} />;
}

function WorkspaceGate({ session, onSession }: { session: SignedIn; onSession: (session: Session) => void }) {
  const platform = usePlatform();
  const { i18n } = useTranslation();
  const [db, setDb] = useState<WorkstationDatabase | null>(null);
  const [everOpened, setEverOpened] = useState(false);
  useEffect(
    () =>
      platform.watchDatabase(session.databaseName, (database) => {
        setDb(database);
        if (database) setEverOpened(true);
      }),
    [platform, session.databaseName],
  );
  const directory = useDirectory(db);
  // After the directory's queries: the first render waits for those.
  useEffect(() => (db ? prefetchInbox(db, session, window.location.hash) : undefined), [db, session]);
  const workspace = useMemo<Workspace | null>(() => (db && directory ? { session, db, directory, me: session.user.id } : null), [db, directory, session]);
  const [lastWorkspace, setLastWorkspace] = useState<Workspace | null>(null);
  useEffect(() => {
    if (workspace) setLastWorkspace(workspace);
  }, [workspace]);
  // While the service is away, the last screen stays (read-only in effect: its queries are dead)
  // under a "reconnecting" banner, rather than a blank page.
  const setLanguage = useCallback(
    (language: Language) =>
      void platform.call('settings:set', { language }).then((answer) => {
        if (answer.ok) void i18n.changeLanguage(answer.value.language);
      }),
    [platform, i18n],
  );
  const shown = workspace ?? lastWorkspace;
  if (!shown) return <Loading />;
  return (
    <WorkspaceContext.Provider value={shown}>
      <Shell serviceDown={everOpened && db === null} onSignedOut={onSession} onLanguage={setLanguage} />
    </WorkspaceContext.Provider>
  );
}

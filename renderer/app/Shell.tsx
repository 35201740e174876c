// The frame around every screen: the top bar (TopBar.tsx: navigation, new call, new visit, sync
// state, shortcuts, account) and the screen of the current route.
//
// The screens a clerk needs all day — inbox, ticket, citizen, new call or visit — are in the first
// chunk. The supervisor's queues, the routing rules and the mail settings are loaded when first
// opened (React.lazy; a supervisor's are fetched in the background once the inbox is up), so the
// inbox's cold start parses less (docs/performance.md#workstation).
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, Session } from '../../core/app-api';
import { EscalationNotices } from '../components/EscalationNotices';
import { ShortcutsDialog } from '../components/ShortcutsDialog';
import { usePlatform } from '../hooks/use-platform';
import { useRoute } from '../hooks/use-route';
import { useShortcuts } from '../hooks/use-shortcuts';
import { CitizenView } from '../screens/CitizenView';
import { Inbox } from '../screens/Inbox';
import { QuickContactDialog, type ContactKind } from '../screens/QuickContactDialog';
import { TicketView } from '../screens/TicketView';
import { screenLog } from '../platform/screen-log';
import { DEFAULT_ROUTE } from './routes';
import { ScreenErrorBoundary } from './ScreenErrorBoundary';
import { TopBar } from './TopBar';
import { useWorkspace } from './workspace';

const loadSupervisor = () => import('../screens/Supervisor');
const loadRules = () => import('../screens/rules/Rules');
const loadMailSettings = () => import('../screens/settings/MailSettings');
const Supervisor = lazy(() => loadSupervisor().then((module) => ({ default: module.Supervisor })));
const Rules = lazy(() => loadRules().then((module) => ({ default: module.Rules })));
const MailSettings = lazy(() => loadMailSettings().then((module) => ({ default: module.MailSettings })));

/** After the inbox is up, when the page is idle: a supervisor's screens open at once later. */
const PREFETCH_AFTER_MS = 3_000;

function ScreenLoading() {
  const { t } = useTranslation();
  return (
    <Box role="status" aria-live="polite" sx={{ flex: 1, display: 'grid', placeItems: 'center', p: 4 }}>
      <Box sx={{ textAlign: 'center' }}>
        <CircularProgress aria-hidden size={32} />
        <Typography sx={{ mt: 1 }}>{t('app.loadingScreen')}</Typography>
      </Box>
    </Box>
  );
}

type Props = { serviceDown: boolean; onSignedOut: (session: Session) => void; onLanguage: (language: Language) => void };

export function Shell({ serviceDown, onSignedOut, onLanguage }: Props) {
  const { t } = useTranslation();
  const platform = usePlatform();
  const { session } = useWorkspace();
  const [route, go] = useRoute();
  const [help, setHelp] = useState(false);
  const [contact, setContact] = useState<ContactKind | null>(null);
  const supervises = session.user.role !== 'clerk';

  useShortcuts({
    '?': () => setHelp(true),
    'Alt+l': () => setContact('phone_call'),
    'Alt+v': () => setContact('visit'),
  });

  // Stable callbacks: the top bar is memoised, and a filter change (a new route) must not
  // re-render it (docs/performance.md#workstation).
  const signOut = useCallback(() => {
    void platform.call('session:sign-out', {}).then((answer) => {
      if (answer.ok) onSignedOut(answer.value);
    });
  }, [platform, onSignedOut]);
  const showHelp = useCallback(() => setHelp(true), []);
  const goHome = useCallback(() => go(DEFAULT_ROUTE), [go]);

  useEffect(() => {
    if (!supervises) return;
    const timer = setTimeout(() => {
      // A chunk that fails to load here is loaded again (and its failure shown) when opened.
      for (const load of [loadSupervisor, loadRules, loadMailSettings]) load().catch((error: unknown) => screenLog.warn('Shell', 'a screen could not be fetched in the background', error));
    }, PREFETCH_AFTER_MS);
    return () => clearTimeout(timer);
  }, [supervises]);

  return (
    <Box sx={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}>
      <Link href="#main" sx={{ position: 'absolute', left: -9999, '&:focus': { left: 8, top: 8, zIndex: 2000, bgcolor: 'background.paper', p: 1 } }}>
        {t('app.skipToContent')}
      </Link>
      <TopBar session={session} screen={route.screen} serviceDown={serviceDown} onNewContact={setContact} onHelp={showHelp} onSignOut={signOut} onLanguage={onLanguage} />
      {/* A supervisor's service announces tickets near or past due (main/host/escalation-watch.ts), on any screen. */}
      {supervises && <EscalationNotices />}
      <Box component="main" id="main" tabIndex={-1} sx={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0, overflowY: 'auto', outline: 'none' }}>
        {/* Keyed by the screen (and its ticket or citizen): leaving a screen that failed resets it. */}
        <ScreenErrorBoundary key={route.screen === 'ticket' ? route.ticketId : route.screen === 'citizen' ? route.citizenId : route.screen} screen={route.screen} onHome={goHome}>
          <Suspense fallback={<ScreenLoading />}>
            {route.screen === 'inbox' && <Inbox view={route.view} params={route.params} go={go} />}
            {route.screen === 'ticket' && <TicketView key={route.ticketId} ticketId={route.ticketId} go={go} />}
            {route.screen === 'citizen' && <CitizenView key={route.citizenId} citizenId={route.citizenId} go={go} />}
            {route.screen === 'supervisor' && (supervises ? <Supervisor /> : <Inbox view="mine" params={new URLSearchParams()} go={go} />)}
            {route.screen === 'rules' && (supervises ? <Rules /> : <Inbox view="mine" params={new URLSearchParams()} go={go} />)}
            {route.screen === 'mail-settings' && (supervises ? <MailSettings /> : <Inbox view="mine" params={new URLSearchParams()} go={go} />)}
          </Suspense>
        </ScreenErrorBoundary>
      </Box>
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
      {contact && (
        <QuickContactDialog
          kind={contact}
          onClose={() => setContact(null)}
          onFiled={(ticketId) => {
            setContact(null);
            go({ screen: 'ticket', ticketId });
          }}
        />
      )}
    </Box>
  );
}

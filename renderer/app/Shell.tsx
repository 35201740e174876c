// The frame around every screen: the top bar (TopBar.tsx: navigation, new call, new visit, sync
// state, shortcuts, account) and the screen of the current route.
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import { useCallback, useState } from 'react';
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
import { Supervisor } from '../screens/Supervisor';
import { Rules } from '../screens/rules/Rules';
import { MailSettings } from '../screens/settings/MailSettings';
import { TicketView } from '../screens/TicketView';
import { TopBar } from './TopBar';
import { useWorkspace } from './workspace';

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

  return (
    <Box sx={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}>
      <Link href="#main" sx={{ position: 'absolute', left: -9999, '&:focus': { left: 8, top: 8, zIndex: 2000, bgcolor: 'background.paper', p: 1 } }}>
        {t('app.skipToContent')}
      </Link>
      <TopBar session={session} screen={route.screen} serviceDown={serviceDown} onNewContact={setContact} onHelp={showHelp} onSignOut={signOut} onLanguage={onLanguage} />
      {/* A supervisor's service announces tickets near or past due (main/host/escalation-watch.ts), on any screen. */}
      {supervises && <EscalationNotices />}
      <Box component="main" id="main" tabIndex={-1} sx={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0, overflowY: 'auto', outline: 'none' }}>
        {route.screen === 'inbox' && <Inbox view={route.view} params={route.params} go={go} />}
        {route.screen === 'ticket' && <TicketView key={route.ticketId} ticketId={route.ticketId} go={go} />}
        {route.screen === 'citizen' && <CitizenView key={route.citizenId} citizenId={route.citizenId} go={go} />}
        {route.screen === 'supervisor' && (supervises ? <Supervisor /> : <Inbox view="mine" params={new URLSearchParams()} go={go} />)}
        {route.screen === 'rules' && (supervises ? <Rules /> : <Inbox view="mine" params={new URLSearchParams()} go={go} />)}
        {route.screen === 'mail-settings' && (supervises ? <MailSettings /> : <Inbox view="mine" params={new URLSearchParams()} go={go} />)}
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

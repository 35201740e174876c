// The frame around every screen: the top bar (navigation, new call, new visit, sync state,
// shortcuts, account) and the screen of the current route.
import AddIcCallIcon from '@mui/icons-material/AddIcCall';
import HelpOutlineIcon from '@mui/icons-material/HelpOutlined';
import InboxIcon from '@mui/icons-material/Inbox';
import PersonAddIcon from '@mui/icons-material/PersonAdd';
import QueryStatsIcon from '@mui/icons-material/QueryStats';
import RuleIcon from '@mui/icons-material/Rule';
import MailIcon from '@mui/icons-material/MailOutlined';
import AccountCircleIcon from '@mui/icons-material/AccountCircle';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, Session } from '../../core/app-api';
import { ShortcutsDialog } from '../components/ShortcutsDialog';
import { SyncIndicator } from '../components/SyncIndicator';
import { usePlatform } from '../hooks/use-platform';
import { useRoute } from '../hooks/use-route';
import { useShortcuts } from '../hooks/use-shortcuts';
import { LANGUAGES } from '../i18n';
import { CitizenView } from '../screens/CitizenView';
import { Inbox } from '../screens/Inbox';
import { QuickContactDialog, type ContactKind } from '../screens/QuickContactDialog';
import { Supervisor } from '../screens/Supervisor';
import { Rules } from '../screens/rules/Rules';
import { MailSettings } from '../screens/settings/MailSettings';
import { TicketView } from '../screens/TicketView';
import { useWorkspace } from './workspace';

type Props = { serviceDown: boolean; onSignedOut: (session: Session) => void; onLanguage: (language: Language) => void };

export function Shell({ serviceDown, onSignedOut, onLanguage }: Props) {
  const { t, i18n } = useTranslation();
  const platform = usePlatform();
  const { session } = useWorkspace();
  const [route, go] = useRoute();
  const [help, setHelp] = useState(false);
  const [contact, setContact] = useState<ContactKind | null>(null);
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const supervises = session.user.role !== 'clerk';

  useShortcuts({
    '?': () => setHelp(true),
    'Alt+l': () => setContact('phone_call'),
    'Alt+v': () => setContact('visit'),
  });

  const signOut = async () => {
    setMenu(null);
    const answer = await platform.call('session:sign-out', {});
    if (answer.ok) onSignedOut(answer.value);
  };

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <Link href="#main" sx={{ position: 'absolute', left: -9999, '&:focus': { left: 8, top: 8, zIndex: 2000, bgcolor: 'background.paper', p: 1 } }}>
        {t('app.skipToContent')}
      </Link>
      <AppBar position="static" color="primary" elevation={1}>
        <Toolbar variant="dense" component="nav" aria-label={t('nav.label')} sx={{ gap: 1 }}>
          <Typography variant="h6" component="span" sx={{ mr: 2, fontWeight: 700 }}>
            {t('app.name')}
          </Typography>
          <Button color="inherit" startIcon={<InboxIcon />} href="#/inbox/mine" aria-current={route.screen === 'inbox' ? 'page' : undefined}>
            {t('nav.inbox')}
          </Button>
          {supervises && (
            <Button color="inherit" startIcon={<QueryStatsIcon />} href="#/supervisor" aria-current={route.screen === 'supervisor' ? 'page' : undefined}>
              {t('nav.supervisor')}
            </Button>
          )}
          {supervises && (
            <Button color="inherit" startIcon={<RuleIcon />} href="#/rules" aria-current={route.screen === 'rules' ? 'page' : undefined}>
              {t('rules.nav')}
            </Button>
          )}
          {supervises && (
            <Button color="inherit" startIcon={<MailIcon />} href="#/settings/mail" aria-current={route.screen === 'mail-settings' ? 'page' : undefined}>
              {t('settings.nav')}
            </Button>
          )}
          <Box sx={{ flex: 1 }} />
          <Button color="inherit" variant="outlined" startIcon={<AddIcCallIcon />} onClick={() => setContact('phone_call')} aria-keyshortcuts="Alt+L">
            {t('nav.newCall')}
          </Button>
          <Button color="inherit" variant="outlined" startIcon={<PersonAddIcon />} onClick={() => setContact('visit')} aria-keyshortcuts="Alt+V">
            {t('nav.newVisit')}
          </Button>
          <Box sx={{ bgcolor: 'background.paper', borderRadius: 4, px: 0.5, py: 0.25, display: 'flex' }}>
            <SyncIndicator serviceDown={serviceDown} />
          </Box>
          <Tooltip title={t('nav.shortcuts')}>
            <IconButton color="inherit" onClick={() => setHelp(true)} aria-label={t('nav.shortcuts')} aria-keyshortcuts="?">
              <HelpOutlineIcon />
            </IconButton>
          </Tooltip>
          <Button color="inherit" startIcon={<AccountCircleIcon />} onClick={(e) => setMenu(e.currentTarget)} aria-haspopup="menu" data-testid="account" sx={{ textTransform: 'none' }}>
            {session.user.name}
          </Button>
          <Menu anchorEl={menu} open={menu !== null} onClose={() => setMenu(null)}>
            <MenuItem disabled>{session.user.email}</MenuItem>
            {LANGUAGES.map((language) => (
              <MenuItem
                key={language}
                selected={i18n.language === language}
                onClick={() => {
                  setMenu(null);
                  onLanguage(language);
                }}
                lang={language}
              >
                {`${t('nav.language')}: ${language === 'es' ? 'Español' : 'English'}`}
              </MenuItem>
            ))}
            <MenuItem onClick={signOut}>{t('nav.signOut')}</MenuItem>
          </Menu>
        </Toolbar>
      </AppBar>
      <Box component="main" id="main" tabIndex={-1} sx={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0, outline: 'none' }}>
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

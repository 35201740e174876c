// The top bar: where to go (inbox; a supervisor's queues, rules and mail settings), the two
// things a front office does all day (new call, new visit), the sync state, the shortcuts and the
// account. It must fit a 1280-px screen and reflow at 200 % zoom (640 CSS px, WCAG 1.4.10)
// without anything overlapping or cut off, whatever the sync state says ("Sin conexión desde
// 10:42 · 12 cambios pendientes" is three times "En línea"). Three widths:
//   ≥ 1680 px  every item with its label, the clerk's name included (a clerk, with one link
//              instead of a supervisor's four, from 1200 px);
//   ≥ 1200 px  (MUI's `lg`) the same, but the links without their icons and the account with the
//              clerk's initials;
//   narrower   the supervisor's destinations move into a "Más" menu, and new call, new visit and
//              the account show their icons only.
// Hidden labels stay the controls' accessible names and tooltips. Items never wrap inside; if
// something still does not fit, the bar wraps onto a second line, right-aligned, rather than
// overlap.
import AccountCircleIcon from '@mui/icons-material/AccountCircle';
import AddIcCallIcon from '@mui/icons-material/AddIcCall';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import HelpOutlineIcon from '@mui/icons-material/HelpOutlined';
import InboxIcon from '@mui/icons-material/Inbox';
import MailIcon from '@mui/icons-material/MailOutlined';
import PersonAddIcon from '@mui/icons-material/PersonAdd';
import QueryStatsIcon from '@mui/icons-material/QueryStats';
import RuleIcon from '@mui/icons-material/Rule';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import { useTheme } from '@mui/material/styles';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { memo, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, Session } from '../../core/app-api';
import { SyncIndicator } from '../components/SyncIndicator';
import { LANGUAGES } from '../i18n';
import type { Route } from './routes';

type SignedIn = Extract<Session, { state: 'signed-in' }>;

type Props = {
  session: SignedIn;
  /** The current screen: which destination is marked as current. */
  screen: Route['screen'];
  serviceDown: boolean;
  onNewContact: (kind: 'phone_call' | 'visit') => void;
  onHelp: () => void;
  onSignOut: () => void;
  onLanguage: (language: Language) => void;
};

type Destination = { href: string; label: string; icon: ReactNode; current: boolean };

/** Labels in sentence case and on one line: upper case costs a fifth more width and reads worse. */
const ITEM = { textTransform: 'none', whiteSpace: 'nowrap', flexShrink: 0, px: 1 } as const;

/** Memoised (its callbacks are stable): a filter change or a new page of the inbox leaves it alone. */
export const TopBar = memo(function TopBar({ session, screen, serviceDown, onNewContact, onHelp, onSignOut, onLanguage }: Props) {
  const { t, i18n } = useTranslation();
  const theme = useTheme();
  // noSsr: the first render already knows the width (no flash of the other layout).
  const roomy = useMediaQuery(theme.breakpoints.up('lg'), { noSsr: true });
  const wide = useMediaQuery('(min-width: 1680px)', { noSsr: true });
  const [account, setAccount] = useState<HTMLElement | null>(null);
  const [more, setMore] = useState<HTMLElement | null>(null);
  const moreId = useId();
  const supervises = session.user.role !== 'clerk';
  // A clerk's bar has one destination, not four: everything fits from 1200 px.
  const full = supervises ? wide : roomy;

  const inbox: Destination = { href: '#/inbox/mine', label: t('nav.inbox'), icon: <InboxIcon />, current: screen === 'inbox' };
  const secondary: Destination[] = supervises
    ? [
        { href: '#/supervisor', label: t('nav.supervisor'), icon: <QueryStatsIcon />, current: screen === 'supervisor' },
        { href: '#/rules', label: t('rules.nav'), icon: <RuleIcon />, current: screen === 'rules' },
        { href: '#/settings/mail', label: t('settings.nav'), icon: <MailIcon />, current: screen === 'mail-settings' },
      ]
    : [];
  // A supervisor's links drop their (decorative) icons between 1200 and 1680 px: room for a long sync state.
  const link = (destination: Destination) => (
    <Button key={destination.href} color="inherit" startIcon={full || !roomy ? destination.icon : undefined} href={destination.href} aria-current={destination.current ? 'page' : undefined} sx={ITEM}>
      {destination.label}
    </Button>
  );
  const action = (kind: 'phone_call' | 'visit', label: string, icon: ReactNode, keys: string) =>
    roomy ? (
      <Button color="inherit" variant="outlined" startIcon={icon} onClick={() => onNewContact(kind)} aria-keyshortcuts={keys} sx={{ ...ITEM, px: 1.25 }}>
        {label}
      </Button>
    ) : (
      <Tooltip title={`${label} (${keys})`}>
        <IconButton color="inherit" onClick={() => onNewContact(kind)} aria-label={label} aria-keyshortcuts={keys} sx={{ border: 1, borderColor: 'rgba(255,255,255,0.5)', borderRadius: 1, flexShrink: 0 }}>
          {icon}
        </IconButton>
      </Tooltip>
    );

  const accountButton = (
    <Button
      color="inherit"
      startIcon={full ? <AccountCircleIcon /> : undefined}
      onClick={(event) => setAccount(event.currentTarget)}
      aria-haspopup="menu"
      data-testid="account"
      sx={{ ...ITEM, minWidth: 0 }}
    >
      {/* The initials are drawn by CSS and the name only hidden, so the button's text (and its
          accessible name) stays the clerk's name. */}
      {!full && <Box component="span" aria-hidden data-initials={initialsOf(session.user.name)} sx={INITIALS} />}
      <Box component="span" sx={full ? { display: 'block', maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis' } : VISUALLY_HIDDEN}>
        {session.user.name}
      </Box>
    </Button>
  );

  return (
    <AppBar position="static" color="primary" elevation={1}>
      <Toolbar variant="dense" component="nav" aria-label={t('nav.label')} sx={{ columnGap: 0.75, rowGap: 0.5, flexWrap: 'wrap', justifyContent: 'flex-end', py: 0.5, px: { xs: 1, sm: 2 } }}>
        <Typography variant="h6" component="span" sx={{ mr: roomy ? 1.5 : 0.5, fontWeight: 700, whiteSpace: 'nowrap', flexShrink: 0 }}>
          {t('app.name')}
        </Typography>
        {link(inbox)}
        {roomy && secondary.map(link)}
        {!roomy && secondary.length > 0 && (
          <>
            <Button
              color="inherit"
              endIcon={<ExpandMoreIcon />}
              onClick={(event) => setMore(event.currentTarget)}
              aria-haspopup="menu"
              aria-expanded={more !== null}
              aria-controls={more ? moreId : undefined}
              aria-current={secondary.some((destination) => destination.current) ? 'page' : undefined}
              sx={ITEM}
            >
              {t('nav.more')}
            </Button>
            <Menu id={moreId} anchorEl={more} open={more !== null} onClose={() => setMore(null)}>
              {secondary.map((destination) => (
                <MenuItem key={destination.href} component="a" href={destination.href} selected={destination.current} aria-current={destination.current ? 'page' : undefined} onClick={() => setMore(null)}>
                  <ListItemIcon>{destination.icon}</ListItemIcon>
                  {destination.label}
                </MenuItem>
              ))}
            </Menu>
          </>
        )}
        <Box sx={{ flex: 1 }} />
        {action('phone_call', t('nav.newCall'), <AddIcCallIcon />, 'Alt+L')}
        {action('visit', t('nav.newVisit'), <PersonAddIcon />, 'Alt+V')}
        <Box sx={{ bgcolor: 'background.paper', borderRadius: 4, px: 0.5, py: 0.25, display: 'flex', minWidth: 0, maxWidth: '100%' }}>
          <SyncIndicator serviceDown={serviceDown} />
        </Box>
        <Tooltip title={t('nav.shortcuts')}>
          <IconButton color="inherit" onClick={onHelp} aria-label={t('nav.shortcuts')} aria-keyshortcuts="?" sx={{ flexShrink: 0 }}>
            <HelpOutlineIcon />
          </IconButton>
        </Tooltip>
        {full ? accountButton : <Tooltip title={session.user.name}>{accountButton}</Tooltip>}
        <Menu anchorEl={account} open={account !== null} onClose={() => setAccount(null)}>
          <MenuItem disabled>{full ? session.user.email : `${session.user.name} · ${session.user.email}`}</MenuItem>
          {LANGUAGES.map((language) => (
            <MenuItem
              key={language}
              selected={i18n.language === language}
              onClick={() => {
                setAccount(null);
                onLanguage(language);
              }}
              lang={language}
            >
              {`${t('nav.language')}: ${language === 'es' ? 'Español' : 'English'}`}
            </MenuItem>
          ))}
          <MenuItem
            onClick={() => {
              setAccount(null);
              onSignOut();
            }}
          >
            {t('nav.signOut')}
          </MenuItem>
        </Menu>
      </Toolbar>
    </AppBar>
  );
});

/**
 * Two letters for the account button: the first name's and the first surname's (Spanish names:
 * given names, then two surnames), leaving out particles ("de", "del", "la").
 */
function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((word) => word !== '' && word[0] !== word[0]!.toLowerCase());
  if (words.length === 0) return name.trim().slice(0, 1).toUpperCase() || '?';
  const second = words.length >= 3 ? words[words.length - 2] : words[1];
  return `${words[0]![0]}${second?.[0] ?? ''}`.toUpperCase();
}

const INITIALS = {
  width: 30,
  height: 30,
  borderRadius: '50%',
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  bgcolor: 'background.paper',
  color: 'primary.main',
  fontSize: '0.8125rem',
  fontWeight: 700,
  '&::before': { content: 'attr(data-initials)' },
} as const;

/** Out of sight, still read by screen readers and still the element's text. */
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

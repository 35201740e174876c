// A citizen's card: name, ID document, emails, phones, address, preferred language; and every
// ticket and interaction of theirs across channels, newest first (indexes citizenId+createdAt).
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import EditIcon from '@mui/icons-material/Edit';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { map } from 'rxjs';
import type { Message, Ticket } from '../../core/schemas';
import { checkSpanishDocument } from '../../core/identity/documents';
import { formatPhone } from '../../core/identity/contact';
import type { Route } from '../app/routes';
import { useWorkspace } from '../app/workspace';
import { ChannelIcon } from '../components/ChannelIcon';
import { CitizenForm } from '../components/CitizenForm';
import { NotFound } from '../components/NotFound';
import { useObservable } from '../hooks/use-rx';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useCitizen } from '../hooks/use-ticket';
import { dateTime } from '../i18n/format';

const HISTORY_LIMIT = 200;

export function CitizenView({ citizenId, go }: { citizenId: string; go: (route: Route) => void }) {
  const { t, i18n } = useTranslation();
  const { db, directory } = useWorkspace();
  const citizen = useCitizen(db, citizenId);
  const [editing, setEditing] = useState(false);
  const tickets = useObservable<Ticket[]>(
    () => db.tickets.find({ selector: { citizenId }, sort: [{ createdAt: 'desc' }], limit: HISTORY_LIMIT }).$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))),
    [db, citizenId],
    [],
  );
  const messages = useObservable<Message[]>(
    () => db.messages.find({ selector: { citizenId }, sort: [{ createdAt: 'desc' }], limit: HISTORY_LIMIT }).$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))),
    [db, citizenId],
    [],
  );
  useShortcuts({ Escape: () => (editing ? setEditing(false) : window.history.back()) }, true);

  if (!citizen.value) {
    return citizen.loading ? null : (
      <NotFound title={t('citizen.notFoundTitle')} text={t('citizen.notFound')} help={t('citizen.notFoundHelp')} />
    );
  }
  const person = citizen.value;
  const documentValid = person.documentNumber && (person.documentType === 'dni' || person.documentType === 'nie' || person.documentType === 'cif') ? checkSpanishDocument(person.documentNumber, person.documentType).ok : undefined;
  const referenceOf = new Map(tickets.value.map((ticket) => [ticket.id, ticket.reference]));
  const row = (label: string, value: React.ReactNode) => (
    // Label and value side by side; in a narrow window (320 CSS px) the value goes under its label, and a long address breaks anywhere.
    <Stack direction="row" spacing={2} useFlexGap component="div" sx={{ flexWrap: 'wrap', rowGap: 0 }}>
      <Typography component="dt" variant="body2" color="text.secondary" sx={{ width: 180, flexShrink: 0 }}>
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, minWidth: 0, flex: '1 1 12rem', overflowWrap: 'anywhere' }}>
        {value}
      </Typography>
    </Stack>
  );

  return (
    <Box sx={{ flex: 1, overflow: 'auto', p: 2 }}>
      <Stack spacing={2} sx={{ maxWidth: 1100, mx: 'auto' }}>
        <Box>
          <Button startIcon={<ArrowBackIcon />} onClick={() => window.history.back()}>
            {t('app.back')}
          </Button>
        </Box>
        <Paper variant="outlined" sx={{ p: 2 }}>
          <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
            <Typography variant="h5" component="h1" sx={{ flex: 1 }}>
              {person.name}
            </Typography>
            {!editing && (
              <Button startIcon={<EditIcon />} onClick={() => setEditing(true)}>
                {t('citizen.edit')}
              </Button>
            )}
          </Stack>
          {editing ? (
            <CitizenForm citizen={person} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} />
          ) : (
            <Stack component="dl" spacing={0.75} sx={{ m: 0 }}>
              {row(
                t('citizen.document'),
                person.documentNumber ? (
                  <>
                    {person.documentType ? `${t(`citizen.documentTypes.${person.documentType}`)} ` : ''}
                    {person.documentNumber}{' '}
                    {documentValid === true && <Chip size="small" color="success" label={t('citizen.documentValid')} />}
                    {documentValid === false && <Chip size="small" color="error" label={t('citizen.errors.shape')} />}
                  </>
                ) : (
                  t('citizen.noDocument')
                ),
              )}
              {row(t('citizen.phones'), person.phones.map(formatPhone).join(' · ') || '—')}
              {row(t('citizen.emails'), person.emails.join(' · ') || '—')}
              {row(t('citizen.address'), person.address ? [person.address.line1, person.address.line2, person.address.postalCode, person.address.municipality, person.address.province].filter(Boolean).join(', ') : '—')}
              {row(t('citizen.preferredLanguage'), t(`citizen.languages.${person.preferredLanguage.slice(0, 2)}` as 'citizen.languages.es', { defaultValue: person.preferredLanguage }))}
            </Stack>
          )}
        </Paper>
        <Stack sx={{ alignItems: 'flex-start' }} direction={{ xs: 'column', md: 'row' }} spacing={2}>
          <Paper variant="outlined" sx={{ p: 2, flex: 1, width: '100%' }} component="section" aria-labelledby="citizen-tickets">
            <Typography variant="h6" component="h2" id="citizen-tickets">
              {t('citizen.tickets')} ({tickets.value.length})
            </Typography>
            {tickets.value.length === 0 && <Typography color="text.secondary">{t('citizen.noTickets')}</Typography>}
            <List dense>
              {tickets.value.map((ticket) => (
                <ListItem key={ticket.id} disableGutters>
                  <ListItemIcon sx={{ minWidth: 32 }}>
                    <ChannelIcon channel={ticket.channel} />
                  </ListItemIcon>
                  <ListItemText
                    primary={
                      <Link href={`#/ticket/${encodeURIComponent(ticket.id)}`} onClick={(e) => { e.preventDefault(); go({ screen: 'ticket', ticketId: ticket.id }); }}>
                        {ticket.subject || t('inbox.noSubject')}
                      </Link>
                    }
                    secondary={`${ticket.reference} · ${t(`status.${ticket.status}`)} · ${directory.departments.get(ticket.departmentId)?.name ?? t('ticket.intake')} · ${dateTime(i18n.language, ticket.createdAt)}`}
                  />
                </ListItem>
              ))}
            </List>
          </Paper>
          <Paper variant="outlined" sx={{ p: 2, flex: 1, width: '100%' }} component="section" aria-labelledby="citizen-interactions">
            <Typography variant="h6" component="h2" id="citizen-interactions">
              {t('citizen.interactions')} ({messages.value.length})
            </Typography>
            <List dense>
              {messages.value.map((message) => (
                <ListItem key={message.id} disableGutters alignItems="flex-start">
                  <ListItemText
                    primary={`${t(`kind.${message.kind}`)} · ${dateTime(i18n.language, message.createdAt)}${referenceOf.get(message.ticketId) ? ` · ${referenceOf.get(message.ticketId)}` : ''}`}
                    secondary={message.text.slice(0, 220)}
                    slotProps={{ secondary: { sx: { whiteSpace: 'pre-wrap' } } }}
                  />
                </ListItem>
              ))}
            </List>
          </Paper>
        </Stack>
      </Stack>
    </Box>
  );
}

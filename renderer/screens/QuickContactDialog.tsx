// "Nueva llamada" / "Nueva visita": who (find the citizen by name, document, phone or email, or
// add them), why, notes, and where it goes (an open ticket of theirs or a new one in a
// department) — filed in a few keystrokes: type, ↓, Enter, reason, Ctrl+Enter.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { map, of } from 'rxjs';
import type { Citizen, Rule, Ticket } from '../../core/schemas';
import { formatPhone, guessLookup, normalizePhone } from '../../core/identity/contact';
import { messageOf } from '../app/errors';
import { useWorkspace } from '../app/workspace';
import { CitizenForm } from '../components/CitizenForm';
import { lookupCitizens, type ContactFinder } from '../data/citizen-lookup';
import { usePlatform } from '../hooks/use-platform';
import { dueDateFor } from '../data/deadlines';
import { compileCouncilRules, suggestDepartment } from '../data/routing';
import { addMessage, openTicket } from '../data/ticket-actions';
import { useObservable } from '../hooks/use-rx';
import { ACTIVE_STATUSES } from '../data/inbox-queries';

export type ContactKind = 'phone_call' | 'visit';

const NEW = '__new';

type Props = { kind: ContactKind; onClose: () => void; onFiled: (ticketId: string) => void };

export function QuickContactDialog({ kind, onClose, onFiled }: Props) {
  const { t } = useTranslation();
  const { db, me, directory, session } = useWorkspace();
  const platform = usePlatform();
  const byContact = useCallback<ContactFinder>(
    async (kind, value) => {
      const answer = await platform.call('citizens:by-contact', { kind, value });
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value;
    },
    [platform],
  );
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<Citizen[]>([]);
  const [highlight, setHighlight] = useState(0);
  const [citizen, setCitizen] = useState<Citizen | null>(null);
  const [anonymous, setAnonymous] = useState(false);
  const [creating, setCreating] = useState(false);
  const [target, setTarget] = useState(NEW);
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState('');
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [office, setOffice] = useState('');
  const [minutes, setMinutes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void lookupCitizens(db, query, byContact).then((found) => {
        if (live) {
          setMatches(found);
          setHighlight(0);
        }
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [db, query, byContact]);

  const openTickets = useObservable<Ticket[]>(
    () =>
      citizen
        ? db.tickets.find({ selector: { citizenId: citizen.id }, sort: [{ createdAt: 'desc' }], limit: 50 }).$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()).filter((ticket) => ACTIVE_STATUSES.includes(ticket.status) && !ticket.mergedInto)))
        : of([]),
    [db, citizen?.id],
    [],
  ).value;

  const rules = useObservable<Rule[]>(() => db.rules.find().$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))), [db], []).value;
  const compiled = useMemo(() => compileCouncilRules(rules, [...directory.calendars.values()], directory.departmentList), [rules, directory.calendars, directory.departmentList]);
  const suggested = useMemo(
    () => (reason.trim() ? suggestDepartment(compiled, { channel: kind === 'phone_call' ? 'phone' : 'visit', subject: reason, body: notes, from: citizen?.emails[0], ...(citizen && { citizen }), now: Date.now() }) : undefined),
    [compiled, reason, notes, citizen, kind],
  );
  const department = departmentId ?? suggested ?? session.user.departmentIds[0] ?? '';

  const pick = (chosen: Citizen) => {
    setCitizen(chosen);
    setAnonymous(false);
    setCreating(false);
    const guess = guessLookup(query, () => false);
    if (kind === 'phone_call') setPhone(guess.kind === 'phone' ? guess.e164 : (chosen.phones[0] ?? ''));
  };

  const onLookupKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setHighlight((current) => Math.min(matches.length - 1, current + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setHighlight((current) => Math.max(0, current - 1));
    } else if (event.key === 'Enter' && matches[highlight]) {
      event.preventDefault();
      pick(matches[highlight]);
    }
  };

  const submit = async () => {
    setTouched(true);
    if (!reason.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const now = Date.now();
      let ticket: Ticket | undefined = openTickets.find((candidate) => candidate.id === target);
      if (!ticket) {
        ticket = await openTicket(
          db,
          {
            channel: kind === 'phone_call' ? 'phone' : 'visit',
            subject: reason.trim(),
            citizenId: citizen?.id ?? '',
            departmentId: department,
            assigneeId: me,
            priority: 'normal',
            dueAt: dueDateFor(directory.departments.get(department), [...directory.departments.values()], directory.calendars, now),
          },
          me,
          now,
        );
      }
      const normalizedPhone = normalizePhone(phone);
      const duration = Number(minutes) > 0 ? Math.min(86_400, Math.round(Number(minutes) * 60)) : undefined;
      await addMessage(
        db,
        {
          kind,
          ticket,
          authorId: me,
          subject: reason.trim(),
          text: notes.trim() || reason.trim(),
          ...(kind === 'phone_call' && { call: { direction: 'inbound' as const, ...(normalizedPhone.ok && { phoneNumber: normalizedPhone.e164 }), ...(duration && { durationSeconds: duration }) } }),
          ...(kind === 'visit' && { visit: { ...(office.trim() && { office: office.trim().slice(0, 128) }), ...(duration && { durationSeconds: duration }) } }),
        },
        now + 1,
      );
      onFiled(ticket.id);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const title = kind === 'phone_call' ? t('contact.callTitle') : t('contact.visitTitle');
  const identified = citizen !== null || anonymous;
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" aria-labelledby="contact-title">
      <DialogTitle id="contact-title">{title}</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={2} onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && void submit()}>
          {error && <Alert severity="error" role="alert">{t('ticket.saveFailed', { message: error })}</Alert>}
          {creating ? (
            <CitizenForm dense initialName={guessLookup(query, () => false).kind === 'name' ? query : ''} onSaved={pick} onCancel={() => setCreating(false)} />
          ) : identified ? (
            <Stack sx={{ alignItems: 'center' }} direction="row" spacing={1}>
              <Typography data-testid="contact-citizen">{citizen ? t('contact.selected', { name: citizen.name }) : t('contact.anonymous')}</Typography>
              {citizen?.documentNumber && <Typography color="text.secondary">{citizen.documentNumber}</Typography>}
              <Button size="small" onClick={() => { setCitizen(null); setAnonymous(false); setTarget(NEW); }}>
                {t('contact.change')}
              </Button>
            </Stack>
          ) : (
            <>
              <TextField
                autoFocus
                label={t('contact.lookup')}
                helperText={t('contact.lookupHelp')}
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                onKeyDown={onLookupKey}
                slotProps={{ htmlInput: { role: 'combobox', 'aria-expanded': matches.length > 0, 'aria-controls': 'contact-matches', 'aria-activedescendant': matches[highlight] ? `match-${matches[highlight].id}` : undefined, 'aria-autocomplete': 'list' } }}
              />
              <List id="contact-matches" role="listbox" dense aria-label={t('contact.matches')} sx={{ maxHeight: 220, overflow: 'auto' }}>
                {matches.map((match, index) => (
                  <ListItemButton key={match.id} id={`match-${match.id}`} role="option" aria-selected={index === highlight} selected={index === highlight} onClick={() => pick(match)}>
                    <ListItemText primary={match.name} secondary={[match.documentNumber, match.phones.map(formatPhone)[0], match.emails[0]].filter(Boolean).join(' · ')} />
                  </ListItemButton>
                ))}
              </List>
              {query.trim().length >= 2 && matches.length === 0 && <Typography color="text.secondary">{t('contact.noMatches')}</Typography>}
              <Stack direction="row" spacing={1}>
                <Button variant="outlined" onClick={() => setCreating(true)}>
                  {t('contact.newCitizen')}
                </Button>
                <Button onClick={() => setAnonymous(true)}>{t('contact.anonymous')}</Button>
              </Stack>
            </>
          )}
          {identified && !creating && (
            <>
              <FormControl size="small">
                <InputLabel id="contact-target">{t('contact.fileOn')}</InputLabel>
                <Select labelId="contact-target" label={t('contact.fileOn')} value={target} onChange={(e) => setTarget(String(e.target.value))}>
                  <MenuItem value={NEW}>{t('contact.newTicket')}</MenuItem>
                  {openTickets.map((ticket) => (
                    <MenuItem key={ticket.id} value={ticket.id}>
                      {t('contact.existing', { reference: ticket.reference, subject: ticket.subject })}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
              <TextField
                label={t('contact.reason')}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                required
                autoFocus
                error={touched && !reason.trim()}
                helperText={touched && !reason.trim() ? t('contact.reasonRequired') : ' '}
                slotProps={{ htmlInput: { maxLength: 1000 } }}
              />
              <TextField label={t('contact.notes')} value={notes} onChange={(e) => setNotes(e.target.value)} multiline minRows={3} />
              <Stack direction="row" spacing={1}>
                {target === NEW && (
                  <FormControl size="small" sx={{ minWidth: 240 }}>
                    <InputLabel id="contact-department">{t('contact.department')}</InputLabel>
                    <Select labelId="contact-department" label={t('contact.department')} value={department} onChange={(e) => setDepartmentId(String(e.target.value))}>
                      <MenuItem value="">{t('ticket.intake')}</MenuItem>
                      {directory.departmentList.map((candidate) => (
                        <MenuItem key={candidate.id} value={candidate.id}>
                          {candidate.name}
                        </MenuItem>
                      ))}
                    </Select>
                  </FormControl>
                )}
                {kind === 'phone_call' ? (
                  <TextField size="small" label={t('contact.phoneNumber')} value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" sx={{ flex: 1 }} />
                ) : (
                  <TextField size="small" label={t('contact.office')} value={office} onChange={(e) => setOffice(e.target.value)} sx={{ flex: 1 }} />
                )}
                <TextField size="small" label={t('contact.duration')} value={minutes} onChange={(e) => setMinutes(e.target.value.replace(/[^\d.]/g, ''))} inputMode="numeric" sx={{ width: 170 }} />
              </Stack>
            </>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('ticket.cancel')}</Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || !identified || creating} aria-keyshortcuts="Control+Enter">
          {busy ? t('contact.submitting') : t('contact.submit')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

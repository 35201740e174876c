// The reply box: an answer to the citizen (queued for the mail channel's outbox) or an internal
// note, with a template, and the status the ticket moves to once it is written. A template goes
// in rendered by core/templates; what the ticket does not know becomes a visible blank
// ('[[fecha límite de resolución]]') that must be written over before the reply can be sent.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { TICKET_STATUSES, type Citizen, type Message, type Template, type Ticket, type TicketStatus } from '../../core/schemas';
import { availableTemplates, type DraftBlank } from '../../core/templates';
import { useWorkspace } from '../app/workspace';
import { messageOf } from '../app/errors';
import { usePlatform } from '../hooks/use-platform';
import { addMessage } from '../data/ticket-actions';
import { replyEnvelope } from '../data/reply';
import { pendingBlanks, replyValues, templateDraft, withTemplate } from '../data/template-reply';
import { useAnnouncePresence } from './PresenceChips';

export type ComposerMode = 'reply' | 'note';

/** What the ticket view asks of the reply box: a suggested template put in with one key. */
export type ComposerHandle = { insertTemplate: (template: Template) => void };

type Props = {
  ticket: Ticket;
  citizen?: Citizen;
  thread: readonly Message[];
  mode: ComposerMode;
  onMode: (mode: ComposerMode) => void;
  /** Changes whenever a shortcut asks for the text box (r, n). */
  focusRequest: number;
  onDone: (text: string) => void;
  ref?: Ref<ComposerHandle>;
};

/** The words a blank is written with, by variable (i18n key under composer.fields). */
const FIELD_KEYS = {
  'citizen.name': 'citizenName',
  'ticket.reference': 'reference',
  'ticket.subject': 'subject',
  'ticket.dueDate': 'dueDate',
  'ticket.responseDueDate': 'responseDueDate',
  'department.name': 'department',
  'clerk.name': 'clerk',
  'council.name': 'council',
  documents: 'documents',
} as const;

const KEEP = '__keep';

export function Composer({ ticket, citizen, thread, mode, onMode, focusRequest, onDone, ref }: Props) {
  const { t } = useTranslation();
  const platform = usePlatform();
  const { db, me, directory, session } = useWorkspace();
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState('');
  // The last template put in, as it went in, and the blanks it left for the clerk.
  const [inserted, setInserted] = useState<{ text: string; blanks: DraftBlank[] }>();
  const [councilName, setCouncilName] = useState<string>();
  const [status, setStatus] = useState<string>(KEEP);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const box = useRef<HTMLTextAreaElement>(null);
  const address = citizen?.emails[0];
  useAnnouncePresence(ticket.id, text.trim() ? 'replying' : 'viewing');

  useEffect(() => {
    if (focusRequest > 0) box.current?.focus();
  }, [focusRequest]);

  useEffect(() => {
    let live = true;
    void platform.call('settings:get', {}).then((answer) => {
      if (live && answer.ok) setCouncilName(answer.value.councilName);
    });
    return () => {
      live = false;
    };
  }, [platform]);

  const language = citizen?.preferredLanguage ?? 'es';
  const department = directory.departments.get(ticket.departmentId);
  // One document per answer, in the citizen's language where there is one (core/templates/pick.ts).
  const templates = useMemo(
    () => availableTemplates(directory.templates, { ...(ticket.departmentId && { departmentId: ticket.departmentId }), language }).sort((a, b) => a.title.localeCompare(b.title, 'es')),
    [directory.templates, ticket.departmentId, language],
  );
  const pending = inserted ? pendingBlanks(text, inserted.blanks) : [];
  const fieldLabel = (variable: string): string => {
    const key = FIELD_KEYS[variable as keyof typeof FIELD_KEYS];
    return key ? t(`composer.fields.${key}`) : variable;
  };

  const insertTemplate = (template: Template) => {
    const values = replyValues({
      ticket,
      ...(citizen && { citizen }),
      ...(department && { department }),
      calendars: [...directory.calendars.values()],
      departments: [...directory.departments.values()],
      clerkName: session.user.name,
      ...(councilName !== undefined && { councilName }),
      language: template.language,
    });
    const draft = templateDraft(template, values, fieldLabel);
    if (!draft.ok) {
      setError(t('composer.templateBroken', { title: template.title, message: draft.error.message }));
      return;
    }
    setTemplateId(template.id);
    setError(undefined);
    const next = withTemplate(text, inserted?.text, draft.value.text);
    setText(next);
    // The blanks of an earlier template still in the text stay to be written too.
    const blanks = [...(inserted?.blanks ?? []), ...draft.value.blanks].filter((blank, i, all) => all.findIndex((other) => other.marker === blank.marker) === i);
    setInserted({ text: next, blanks });
    // A reply needs an address; without one the text goes in a note (what the clerk told them).
    onMode(address ? 'reply' : 'note');
    requestAnimationFrame(() => {
      const field = box.current;
      if (!field) return;
      field.focus();
      // On the first blank, so the clerk writes it at once; otherwise at the end.
      const first = draft.value.blanks[0] ? next.indexOf(draft.value.blanks[0].marker) : -1;
      if (first >= 0) field.setSelectionRange(first, first + draft.value.blanks[0]!.marker.length);
      else field.setSelectionRange(next.length, next.length);
    });
  };
  useImperativeHandle(ref, () => ({ insertTemplate }));

  const applyTemplate = (id: string) => {
    const template = templates.find((candidate) => candidate.id === id);
    if (template) insertTemplate(template);
    else setTemplateId('');
  };

  const submit = async () => {
    if (!text.trim()) {
      setError(t('composer.empty'));
      return;
    }
    if (pending.length > 0) {
      setError(t('composer.blanksLeft', { fields: pending.map((blank) => fieldLabel(blank.variable)).join(', ') }));
      box.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const nextStatus = status === KEEP ? (ticket.status === 'new' ? 'open' : undefined) : (status as TicketStatus);
      if (mode === 'reply' && address) {
        const envelope = replyEnvelope({ ticket, thread, to: address, department, workstationId: session.workstationId, now: Date.now() });
        await addMessage(db, { kind: 'email_out', ticket, authorId: me, text: text.trim(), subject: envelope.subject, email: envelope.email, outbox: envelope.outbox, ...(nextStatus && { status: nextStatus }) });
      } else {
        await addMessage(db, { kind: 'note', ticket, authorId: me, text: text.trim(), ...(nextStatus && { status: nextStatus }) });
      }
      setText('');
      setTemplateId('');
      setInserted(undefined);
      setStatus(KEEP);
      onDone(mode === 'reply' ? t('composer.sent') : t('composer.noteAdded'));
    } catch (failure) {
      setError(t('ticket.saveFailed', { message: messageOf(failure) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper component="section" aria-label={t('composer.label')} variant="outlined" sx={{ p: 2 }}>
      <Tabs value={mode} onChange={(_, next: ComposerMode) => onMode(next)} sx={{ mb: 1 }}>
        <Tab value="reply" label={t('composer.reply')} aria-keyshortcuts="r" />
        <Tab value="note" label={t('composer.note')} aria-keyshortcuts="n" />
      </Tabs>
      {mode === 'reply' && !address && <Alert severity="info" sx={{ mb: 1 }}>{t('composer.noAddress')}</Alert>}
      {mode === 'reply' && address && (
        // Wraps in a narrow window (320 CSS px: WCAG 1.4.10): a long address breaks anywhere, the template list goes below.
        <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
          <Box component="span" sx={{ minWidth: 0, overflowWrap: 'anywhere' }} data-testid="composer-reply-to">
            {t('composer.replyTo', { address })}
          </Box>
          <FormControl size="small" sx={{ minWidth: 'min(240px, 100%)', ml: 'auto' }}>
            <InputLabel id="composer-template">{t('composer.template')}</InputLabel>
            <Select labelId="composer-template" label={t('composer.template')} value={templateId} onChange={(e) => applyTemplate(String(e.target.value))}>
              <MenuItem value="">{t('composer.noTemplate')}</MenuItem>
              {templates.map((template) => (
                <MenuItem key={template.id} value={template.id}>
                  {template.title}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
      )}
      {pending.length > 0 && (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="composer-blanks">
          {t('composer.blanks', { fields: pending.map((blank) => fieldLabel(blank.variable)).join(', ') })}
        </Alert>
      )}
      <TextField
        inputRef={box}
        label={mode === 'reply' ? t('composer.body') : t('composer.noteBody')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (error) setError(undefined);
        }}
        multiline
        minRows={4}
        maxRows={16}
        fullWidth
        disabled={mode === 'reply' && !address}
        error={error !== undefined}
        helperText={error ?? ' '}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
      />
      <Stack sx={{ alignItems: 'center', justifyContent: 'flex-end', flexWrap: 'wrap' }} direction="row" spacing={1} useFlexGap>
        <FormControl size="small" sx={{ minWidth: 'min(200px, 100%)' }}>
          <InputLabel id="composer-status">{t('composer.afterSend')}</InputLabel>
          <Select labelId="composer-status" label={t('composer.afterSend')} value={status} onChange={(e) => setStatus(String(e.target.value))}>
            <MenuItem value={KEEP}>{t('composer.keepStatus')}</MenuItem>
            {TICKET_STATUSES.map((value) => (
              <MenuItem key={value} value={value}>
                {t(`status.${value}`)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || (mode === 'reply' && !address)} aria-keyshortcuts="Control+Enter">
          {mode === 'reply' ? t('composer.send') : t('composer.addNote')}
        </Button>
      </Stack>
    </Paper>
  );
}

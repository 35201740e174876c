// The reply box: an answer to the citizen (queued for the mail channel's outbox) or an internal
// note, with a template, and the status the ticket moves to once it is written.
import Alert from '@mui/material/Alert';
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
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TICKET_STATUSES, type Citizen, type Message, type Ticket, type TicketStatus } from '../../core/schemas';
import { useWorkspace } from '../app/workspace';
import { messageOf } from '../app/errors';
import { addMessage } from '../data/ticket-actions';
import { replyEnvelope } from '../data/reply';
import { fillTemplate } from '../data/template-fill';
import { useAnnouncePresence } from './PresenceChips';

export type ComposerMode = 'reply' | 'note';

type Props = {
  ticket: Ticket;
  citizen?: Citizen;
  thread: readonly Message[];
  mode: ComposerMode;
  onMode: (mode: ComposerMode) => void;
  /** Changes whenever a shortcut asks for the text box (r, n). */
  focusRequest: number;
  onDone: (text: string) => void;
};

const KEEP = '__keep';

export function Composer({ ticket, citizen, thread, mode, onMode, focusRequest, onDone }: Props) {
  const { t } = useTranslation();
  const { db, me, directory, session } = useWorkspace();
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [status, setStatus] = useState<string>(KEEP);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const box = useRef<HTMLTextAreaElement>(null);
  const address = citizen?.emails[0];
  useAnnouncePresence(ticket.id, text.trim() ? 'replying' : 'viewing');

  useEffect(() => {
    if (focusRequest > 0) box.current?.focus();
  }, [focusRequest]);

  const language = citizen?.preferredLanguage.slice(0, 2) ?? 'es';
  const templates = directory.templates
    .filter((template) => (template.departmentId === undefined || template.departmentId === ticket.departmentId) && template.language === language)
    .sort((a, b) => a.title.localeCompare(b.title, 'es'));

  const applyTemplate = (id: string) => {
    setTemplateId(id);
    const template = templates.find((candidate) => candidate.id === id);
    if (!template) return;
    const values = {
      'citizen.name': citizen?.name,
      'ticket.reference': ticket.reference,
      'ticket.subject': ticket.subject,
      'clerk.name': session.user.name,
      'department.name': directory.departments.get(ticket.departmentId)?.name,
    };
    const links = template.links.map((link) => `${link.label}: ${link.url}`).join('\n');
    setText(fillTemplate(template.body, values) + (links ? `\n\n${links}` : ''));
  };

  const submit = async () => {
    if (!text.trim()) {
      setError(t('composer.empty'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const nextStatus = status === KEEP ? (ticket.status === 'new' ? 'open' : undefined) : (status as TicketStatus);
      if (mode === 'reply' && address) {
        const envelope = replyEnvelope({ ticket, thread, to: address, department: directory.departments.get(ticket.departmentId), workstationId: session.workstationId, now: Date.now() });
        await addMessage(db, { kind: 'email_out', ticket, authorId: me, text: text.trim(), subject: envelope.subject, email: envelope.email, outbox: envelope.outbox, ...(nextStatus && { status: nextStatus }) });
      } else {
        await addMessage(db, { kind: 'note', ticket, authorId: me, text: text.trim(), ...(nextStatus && { status: nextStatus }) });
      }
      setText('');
      setTemplateId('');
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
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <span>{t('composer.replyTo', { address })}</span>
          <FormControl size="small" sx={{ minWidth: 240, ml: 'auto' }}>
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
      <TextField
        inputRef={box}
        label={mode === 'reply' ? t('composer.body') : t('composer.noteBody')}
        value={text}
        onChange={(e) => setText(e.target.value)}
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
      <Stack sx={{ alignItems: 'center', justifyContent: 'flex-end' }} direction="row" spacing={1}>
        <FormControl size="small" sx={{ minWidth: 200 }}>
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

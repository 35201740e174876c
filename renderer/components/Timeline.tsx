// Every interaction of a ticket (and of the tickets merged into it), oldest first: mail in and
// out, notes, calls, visits, web forms, chat; who and when. Mail HTML is shown (sanitised, in a
// frame) for the latest mail and on request for the others, so a 200-message thread stays light.
import CallIcon from '@mui/icons-material/Call';
import ChatIcon from '@mui/icons-material/Chat';
import DescriptionIcon from '@mui/icons-material/Description';
import MailIcon from '@mui/icons-material/Mail';
import NoteIcon from '@mui/icons-material/StickyNote2';
import PersonPinIcon from '@mui/icons-material/PersonPin';
import ReplyIcon from '@mui/icons-material/Reply';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message, MessageKind } from '../../core/schemas';
import { useWorkspace } from '../app/workspace';
import { dateTime } from '../i18n/format';
import { MailBody } from './MailBody';

const ICONS: Record<MessageKind, typeof MailIcon> = {
  email_in: MailIcon,
  email_out: ReplyIcon,
  note: NoteIcon,
  phone_call: CallIcon,
  visit: PersonPinIcon,
  web_form: DescriptionIcon,
  chat: ChatIcon,
};

const BACKGROUND: Partial<Record<MessageKind, string>> = { note: '#fff8e1', email_out: '#eef4fb' };
// content-visibility: the browser skips layout and paint of the entries off screen, which is most
// of a long thread (https://developer.mozilla.org/docs/Web/CSS/content-visibility).

function MessageItem({ message, expanded, citizenName }: { message: Message; expanded: boolean; citizenName?: string }) {
  const { t, i18n } = useTranslation();
  const { directory } = useWorkspace();
  const [showHtml, setShowHtml] = useState(expanded);
  const Icon = ICONS[message.kind];
  const author = message.authorId
    ? (directory.users.get(message.authorId)?.name ?? message.authorId)
    : message.email?.from.name || message.email?.from.address || citizenName || t('ticket.author.citizen');
  const details: string[] = [];
  if (message.call) {
    const minutes = message.call.durationSeconds ? ` · ${Math.round(message.call.durationSeconds / 60)} min` : '';
    details.push(t('ticket.callDetails', { direction: t(message.call.direction === 'inbound' ? 'ticket.inbound' : 'ticket.outbound'), duration: minutes }));
  }
  if (message.visit?.office) details.push(t('ticket.visitAt', { office: message.visit.office }));
  if (message.email && message.kind === 'email_in') details.push(`${t('mail.to')}: ${message.email.to.map((to) => to.address).join(', ')}`);
  if (message.email && message.kind === 'email_out') details.push(`${t('mail.to')}: ${message.email.to.map((to) => to.address).join(', ')}`);
  return (
    <Paper component="article" variant="outlined" aria-label={`${t(`kind.${message.kind}`)} · ${author}`} data-kind={message.kind} data-message-id={message.id} sx={{ p: 2, bgcolor: BACKGROUND[message.kind] ?? 'background.paper', contentVisibility: 'auto', containIntrinsicSize: 'auto 140px' }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }} useFlexGap>
        <Icon fontSize="small" color="action" aria-hidden />
        <Typography variant="subtitle2" component="h3">
          {t(`kind.${message.kind}`)}
        </Typography>
        <Typography variant="body2">· {author}</Typography>
        <Box sx={{ flex: 1 }} />
        <Typography variant="caption" color="text.secondary" component="time" dateTime={new Date(message.createdAt).toISOString()}>
          {dateTime(i18n.language, message.createdAt)}
        </Typography>
      </Stack>
      {details.length > 0 && (
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
          {details.join(' · ')}
        </Typography>
      )}
      {message.subject && (
        <Typography variant="body2" sx={{ fontWeight: 600, mb: 0.5 }}>
          {message.subject}
        </Typography>
      )}
      {message.html && showHtml ? (
        <MailBody html={message.html} />
      ) : (
        <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {message.text}
        </Typography>
      )}
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }}>
        {message.html && !showHtml && (
          <Button size="small" onClick={() => setShowHtml(true)}>
            {t('mail.frameTitle')}
          </Button>
        )}
        {message.attachments.length > 0 && <Chip size="small" icon={<AttachFileIcon />} label={t('ticket.attachments', { count: message.attachments.length })} />}
        {message.outbox && (
          <Chip
            size="small"
            color={message.outbox.state === 'failed' ? 'error' : message.outbox.state === 'sent' ? 'success' : 'default'}
            label={t(`ticket.outbox.${message.outbox.state}`, { error: message.outbox.error ?? '' })}
          />
        )}
      </Stack>
    </Paper>
  );
}

export function Timeline({ messages, citizenName }: { messages: readonly Message[]; citizenName?: string }) {
  const { t } = useTranslation();
  if (messages.length === 0) return <Typography color="text.secondary">{t('ticket.noMessages')}</Typography>;
  const lastMail = [...messages].reverse().find((message) => message.html);
  return (
    <Stack spacing={1.5} component="section" aria-label={t('ticket.timeline')} data-testid="timeline">
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} expanded={message === lastMail} citizenName={citizenName} />
      ))}
    </Stack>
  );
}

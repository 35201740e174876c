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
import Typography from '@mui/material/Typography';
import type { SxProps, Theme } from '@mui/material/styles';
import type { TFunction } from 'i18next';
import { memo, useCallback, useState } from 'react';
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

// content-visibility: the browser skips layout and paint of the entries off screen, which is most
// of a long thread (https://developer.mozilla.org/docs/Web/CSS/content-visibility). The entries
// are plain elements styled by the timeline's classes: a thread of 200 in MUI components cost
// ~2,000 styled components and most of the ticket's opening time (docs/performance.md#workstation).
const TIMELINE_SX: SxProps<Theme> = {
  display: 'flex',
  flexDirection: 'column',
  gap: 1.5,
  '& .entry': {
    p: 2,
    border: 1,
    borderColor: 'divider',
    borderRadius: 1,
    bgcolor: 'background.paper',
    contentVisibility: 'auto',
    containIntrinsicSize: 'auto 140px',
    typography: 'body2',
    '&[data-kind="note"]': { bgcolor: '#fff8e1' },
    '&[data-kind="email_out"]': { bgcolor: '#eef4fb' },
  },
  '& .entry-head': { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, mb: 1 },
  '& .entry-kind': { typography: 'subtitle2', m: 0 },
  '& .entry-time': { ml: 'auto', typography: 'caption', color: 'text.secondary' },
  '& .entry-details': { typography: 'caption', color: 'text.secondary', mt: 0, mb: 1 },
  '& .entry-subject': { fontWeight: 600, mt: 0, mb: 0.5 },
  '& .entry-text': { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', m: 0 },
  '& .entry-foot': { display: 'flex', alignItems: 'center', gap: 1, mt: 1, '&:empty': { display: 'none' } },
  '& .entry-button': {
    font: 'inherit',
    fontSize: '0.8125rem',
    fontWeight: 500,
    color: 'primary.main',
    bgcolor: 'transparent',
    border: 0,
    borderRadius: 1,
    px: 0.5,
    py: 0.25,
    cursor: 'pointer',
    '&:hover': { bgcolor: 'action.hover' },
    '&:focus-visible': { outline: '3px solid #f9a825' },
  },
  '& .entry-chip': { display: 'inline-flex', alignItems: 'center', gap: 0.5, px: 1, lineHeight: '22px', borderRadius: 4, fontSize: '0.8125rem', bgcolor: 'action.selected' },
  '& .entry-chip.failed': { bgcolor: 'error.main', color: 'error.contrastText' },
  '& .entry-chip.sent': { bgcolor: 'success.main', color: 'success.contrastText' },
};

type EntryProps = { message: Message; expanded: boolean; citizenName?: string; t: TFunction; language: string; userName: (id: string) => string | undefined };

const MessageItem = memo(function MessageItem({ message, expanded, citizenName, t, language, userName }: EntryProps) {
  const [showHtml, setShowHtml] = useState(expanded);
  const Icon = ICONS[message.kind];
  // A note without an author is the machine's (a due date moved after waiting for the citizen,
  // core/routing/pause.ts): never the citizen's.
  const author = message.authorId
    ? (userName(message.authorId) ?? message.authorId)
    : message.kind === 'note'
      ? t('ticket.author.system')
      : message.email?.from.name || message.email?.from.address || citizenName || t('ticket.author.citizen');
  const details: string[] = [];
  if (message.call) {
    const minutes = message.call.durationSeconds ? ` · ${Math.round(message.call.durationSeconds / 60)} min` : '';
    details.push(t('ticket.callDetails', { direction: t(message.call.direction === 'inbound' ? 'ticket.inbound' : 'ticket.outbound'), duration: minutes }));
  }
  if (message.visit?.office) details.push(t('ticket.visitAt', { office: message.visit.office }));
  if (message.email && (message.kind === 'email_in' || message.kind === 'email_out')) details.push(`${t('mail.to')}: ${message.email.to.map((to) => to.address).join(', ')}`);
  const outboxState = message.outbox?.state;
  return (
    <article className="entry" aria-label={`${t(`kind.${message.kind}`)} · ${author}`} data-kind={message.kind} data-message-id={message.id}>
      <div className="entry-head">
        <Icon fontSize="small" color="action" aria-hidden />
        <h3 className="entry-kind">{t(`kind.${message.kind}`)}</h3>
        <span>· {author}</span>
        <time className="entry-time" dateTime={new Date(message.createdAt).toISOString()}>
          {dateTime(language, message.createdAt)}
        </time>
      </div>
      {details.length > 0 && <p className="entry-details">{details.join(' · ')}</p>}
      {message.subject && <p className="entry-subject">{message.subject}</p>}
      {message.html && showHtml ? <MailBody html={message.html} /> : <p className="entry-text">{message.text}</p>}
      <div className="entry-foot">
        {message.html && !showHtml && (
          <button type="button" className="entry-button" onClick={() => setShowHtml(true)}>
            {t('mail.frameTitle')}
          </button>
        )}
        {message.attachments.length > 0 && (
          <span className="entry-chip">
            <AttachFileIcon fontSize="inherit" aria-hidden />
            {t('ticket.attachments', { count: message.attachments.length })}
          </span>
        )}
        {outboxState && (
          <span className={`entry-chip ${outboxState}`}>{t(`ticket.outbox.${outboxState}`, { error: message.outbox?.error ?? '' })}</span>
        )}
      </div>
    </article>
  );
});

export function Timeline({ messages, citizenName }: { messages: readonly Message[]; citizenName?: string }) {
  const { t, i18n } = useTranslation();
  const { directory } = useWorkspace();
  const userName = useCallback((id: string) => directory.users.get(id)?.name, [directory.users]);
  if (messages.length === 0) return <Typography color="text.secondary">{t('ticket.noMessages')}</Typography>;
  const lastMail = [...messages].reverse().find((message) => message.html);
  return (
    <Box component="section" aria-label={t('ticket.timeline')} data-testid="timeline" sx={TIMELINE_SX}>
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} expanded={message === lastMail} citizenName={citizenName} t={t} language={i18n.language} userName={userName} />
      ))}
    </Box>
  );
}

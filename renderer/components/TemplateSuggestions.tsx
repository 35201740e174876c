// "Respuestas sugeridas": while a clerk reads a ticket, the three templates that best match what
// the citizen asked (core/templates/suggest.ts), each with the words that made it a match. Each
// is a button; the key t puts the first one in the reply box, so a common question is answered
// with t and Ctrl+Enter.
//
// Cost: the index is built once per set of templates (templateIndexFor), the citizen's text once
// per change of the thread, the ranking once per change of that text — never on a re-render
// (presence, the minute clock), however long the thread.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Citizen, Message, Template, Ticket } from '../../core/schemas';
import { suggestTemplates } from '../../core/templates';
import { useWorkspace } from '../app/workspace';
import { citizenText, templateIndexFor } from '../data/template-reply';
import { useShortcuts } from '../hooks/use-shortcuts';

/** How many suggestions the strip shows. */
export const SUGGESTIONS_SHOWN = 3;
/** Words of the explanation per suggestion: enough to say why, short enough for one line. */
const WORDS_SHOWN = 4;

type Props = {
  ticket: Pick<Ticket, 'subject' | 'departmentId'>;
  citizen?: Pick<Citizen, 'preferredLanguage'>;
  thread: readonly Message[];
  onInsert: (template: Template) => void;
};

export const TemplateSuggestions = memo(function TemplateSuggestions({ ticket, citizen, thread, onInsert }: Props) {
  const { t } = useTranslation();
  const { directory } = useWorkspace();
  const index = useMemo(() => templateIndexFor(directory.templates), [directory.templates]);
  const question = useMemo(() => citizenText(thread), [thread]);
  const language = citizen?.preferredLanguage ?? 'es';
  const suggestions = useMemo(
    () => suggestTemplates(index, { subject: ticket.subject, body: question }, { ...(ticket.departmentId && { departmentId: ticket.departmentId }), language, limit: SUGGESTIONS_SHOWN }),
    [index, ticket.subject, ticket.departmentId, question, language],
  );
  const first = suggestions[0];
  useShortcuts(first ? { t: () => onInsert(first.template) } : {});

  if (suggestions.length === 0) return null;
  return (
    <Box component="section" aria-labelledby="suggestions-heading" data-testid="template-suggestions">
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography id="suggestions-heading" variant="subtitle2" component="h2">
          {t('suggestions.label')}
        </Typography>
        {suggestions.map((suggestion, position) => (
          <Button
            key={suggestion.template.id}
            size="small"
            variant={position === 0 ? 'contained' : 'outlined'}
            disableElevation
            onClick={() => onInsert(suggestion.template)}
            title={t('suggestions.insert', { title: suggestion.template.title })}
            {...(position === 0 && { 'aria-keyshortcuts': 't' })}
            sx={{ textTransform: 'none', textAlign: 'left', lineHeight: 1.25, py: 0.5 }}
          >
            <span>
              {position === 0 && (
                <Box component="kbd" aria-hidden sx={{ mr: 0.75, px: 0.5, border: 1, borderColor: 'currentColor', borderRadius: 0.5, bgcolor: 'transparent', color: 'inherit', fontSize: '0.75em' }}>
                  T
                </Box>
              )}
              {suggestion.template.title}
              <Box component="span" sx={{ display: 'block', fontSize: '0.75em', opacity: 0.8 }}>
                {t('suggestions.why', { words: suggestion.sharedWords.slice(0, WORDS_SHOWN).join(', ') })}
              </Box>
            </span>
          </Button>
        ))}
      </Stack>
    </Box>
  );
});

// One condition of a rule in the editor: its type, "no (al revés)", and the fields of that type.
// Lists are typed as text ("licencia de obra, obra menor"); the draft keeps the text as typed.
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import IconButton from '@mui/material/IconButton';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  CITIZEN_ATTRIBUTES,
  CITIZEN_CONTACTS,
  CITIZEN_DOCUMENT_KINDS,
  RULE_MATCHES,
  TICKET_PRIORITIES,
  TIME_WINDOWS,
  WORD_FIELDS,
  type Calendar,
  type CitizenAttribute,
  type RuleConditionType,
} from '../../../core/schemas';
import { CITIZEN_LANGUAGES, CONDITION_TYPES, type ConditionDraft } from '../../data/rules-draft';

type Props = {
  draft: ConditionDraft;
  index: number;
  calendars: readonly Calendar[];
  error?: string;
  readOnly: boolean;
  onChange: (next: ConditionDraft) => void;
  onRemove: () => void;
};

export function ConditionRow({ draft, index, calendars, error, readOnly, onChange, onRemove }: Props) {
  const { t } = useTranslation();
  const n = index + 1;
  const id = `rule-condition-${draft.key}`;
  const set = (changes: Partial<ConditionDraft>) => onChange({ ...draft, ...changes });
  const toggle = <T extends string>(list: readonly T[], value: T): T[] => (list.includes(value) ? list.filter((item) => item !== value) : [...list, value]);
  const errorId = `${id}-error`;

  const select = (key: string, label: string, value: string, options: { value: string; label: string }[], onSelect: (value: string) => void, minWidth = 200) => (
    <FormControl size="small" sx={{ minWidth: `min(${minWidth}px, 100%)` }} disabled={readOnly}>
      <InputLabel id={`${id}-${key}`}>{label}</InputLabel>
      <Select labelId={`${id}-${key}`} label={label} value={value} onChange={(e) => onSelect(String(e.target.value))}>
        {options.map((option) => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );

  const checks = <T extends string>(label: string, values: readonly T[], chosen: readonly T[], labelOf: (value: T) => string, onPick: (next: T[]) => void) => (
    <FormControl component="fieldset" error={!!error} disabled={readOnly}>
      <FormLabel component="legend" sx={{ fontSize: '0.8rem' }}>
        {label}
      </FormLabel>
      <FormGroup row>
        {values.map((value) => (
          <FormControlLabel key={value} control={<Checkbox size="small" checked={chosen.includes(value)} onChange={() => onPick(toggle(chosen, value))} />} label={labelOf(value)} />
        ))}
      </FormGroup>
    </FormControl>
  );

  const listField = (label: string, helper: string) => (
    <TextField
      size="small"
      label={label}
      value={draft.text}
      onChange={(e) => set({ text: e.target.value })}
      error={!!error}
      helperText={helper}
      sx={{ flex: 1, minWidth: 'min(260px, 100%)' }}
      // The help stays help-coloured; the error itself is said under the row.
      slotProps={{ input: { readOnly }, htmlInput: { 'aria-describedby': error ? errorId : undefined }, formHelperText: { error: false } }}
    />
  );

  /** The values of a citizen condition: chosen from a list where the list is known, typed where it is not. */
  const citizenFields = () => {
    switch (draft.citizenAttribute) {
      case 'document_type':
        return checks(t('rules.labels.documentKinds'), CITIZEN_DOCUMENT_KINDS, draft.documentKinds, (value) => t(`rules.documentKinds.${value}`), (documentKinds) => set({ documentKinds }));
      case 'preferred_language': {
        // A rule may name a language the form does not offer ('ca-ES-valencia'): it stays listed.
        const languages = [...CITIZEN_LANGUAGES, ...draft.languages.filter((language) => !(CITIZEN_LANGUAGES as readonly string[]).includes(language))];
        return checks(t('rules.labels.languages'), languages, draft.languages, (value) => t(`citizen.languages.${value}` as 'citizen.languages.es', { defaultValue: value }), (chosen) => set({ languages: chosen }));
      }
      case 'contact':
        return checks(t('rules.labels.contacts'), CITIZEN_CONTACTS, draft.contacts, (value) => t(`rules.contacts.${value}`), (contacts) => set({ contacts }));
      case 'postal_code':
        return listField(t('rules.labels.postalCodes'), t('rules.editor.postalCodeHelp'));
      case 'municipality':
        return listField(t('rules.labels.municipalities'), t('rules.editor.municipalityHelp'));
    }
  };

  let fields;
  switch (draft.type) {
    case 'words':
      fields = (
        <>
          {listField(t('rules.labels.words'), t('rules.editor.wordsHelp'))}
          {select('field', t('rules.labels.where'), draft.field, WORD_FIELDS.map((value) => ({ value, label: t(`rules.fields.${value}`) })), (field) => set({ field: field as ConditionDraft['field'] }), 190)}
          {select('match', t('rules.labels.which'), draft.match, RULE_MATCHES.map((value) => ({ value, label: t(`rules.wordMatch.${value}`) })), (match) => set({ match: match as ConditionDraft['match'] }), 150)}
        </>
      );
      break;
    case 'channel':
      fields = checks(t('rules.labels.channels'), CHANNELS, draft.channels, (value) => t(`channel.${value}`), (channels) => set({ channels }));
      break;
    case 'priority':
      fields = checks(t('rules.labels.priorities'), TICKET_PRIORITIES, draft.priorities, (value) => t(`priority.${value}`), (priorities) => set({ priorities }));
      break;
    case 'mailbox':
      fields = listField(t('rules.labels.mailboxes'), t('rules.editor.listHelp'));
      break;
    case 'sender':
      fields = listField(t('rules.labels.addresses'), t('rules.editor.listHelp'));
      break;
    case 'sender_domain':
      fields = listField(t('rules.labels.domains'), t('rules.editor.listHelp'));
      break;
    case 'citizen':
      fields = (
        <>
          {select('attribute', t('rules.labels.citizenAttribute'), draft.citizenAttribute, CITIZEN_ATTRIBUTES.map((value) => ({ value, label: t(`rules.citizenAttributes.${value}`) })), (attribute) => set({ citizenAttribute: attribute as CitizenAttribute }), 230)}
          {citizenFields()}
        </>
      );
      break;
    case 'time':
      fields = (
        <>
          {select('window', t('rules.labels.window'), draft.window, TIME_WINDOWS.map((value) => ({ value, label: t(`rules.windows.${value}`) })), (window) => set({ window: window as ConditionDraft['window'] }), 240)}
          {select('calendar', t('rules.labels.calendar'), draft.calendarId || '-', [{ value: '-', label: t('rules.labels.councilCalendar') }, ...calendars.map((calendar) => ({ value: calendar.id, label: calendar.name }))], (calendarId) => set({ calendarId: calendarId === '-' ? '' : calendarId }), 240)}
        </>
      );
      break;
  }

  return (
    <Paper variant="outlined" sx={{ p: 1.5, borderColor: error ? 'error.main' : undefined }} role="group" aria-label={t('rules.editor.conditionType', { n })} data-testid={`condition-${index}`}>
      <Stack direction="row" spacing={1.5} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
        {select('type', t('rules.editor.conditionType', { n }), draft.type, CONDITION_TYPES.map((value) => ({ value, label: t(`rules.conditionTypes.${value}`) })), (type) => set({ type: type as RuleConditionType }), 200)}
        <FormControlLabel sx={{ mt: 0.5 }} disabled={readOnly} control={<Checkbox size="small" checked={draft.negate} onChange={(e) => set({ negate: e.target.checked })} />} label={t('rules.editor.negate')} />
        {fields}
        {!readOnly && (
          <Tooltip title={t('rules.editor.removeCondition', { n })}>
            <IconButton onClick={onRemove} aria-label={t('rules.editor.removeCondition', { n })} sx={{ ml: 'auto' }}>
              <DeleteOutlinedIcon />
            </IconButton>
          </Tooltip>
        )}
      </Stack>
      {draft.type === 'citizen' && <FormHelperText>{t(draft.citizenAttribute === 'contact' ? 'rules.editor.contactHelp' : 'rules.editor.citizenHelp')}</FormHelperText>}
      {error && (
        <FormHelperText error id={errorId} role="alert">
          {error}
        </FormHelperText>
      )}
    </Paper>
  );
}

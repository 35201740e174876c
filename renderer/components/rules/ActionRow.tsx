// One action of a rule in the editor: its type and what it sets (a department, a priority, tags, a
// category, a clerk, the template of an automatic answer).
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import FormControl from '@mui/material/FormControl';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import { useTranslation } from 'react-i18next';
import { TICKET_PRIORITIES, type RuleActionType } from '../../../core/schemas';
import { useWorkspace } from '../../app/workspace';
import { ACTION_TYPES, type ActionDraft } from '../../data/rules-draft';

type Props = {
  draft: ActionDraft;
  index: number;
  error?: string;
  readOnly: boolean;
  onChange: (next: ActionDraft) => void;
  onRemove: () => void;
};

export function ActionRow({ draft, index, error, readOnly, onChange, onRemove }: Props) {
  const { t } = useTranslation();
  const { directory } = useWorkspace();
  const n = index + 1;
  const id = `rule-action-${draft.key}`;
  const set = (changes: Partial<ActionDraft>) => onChange({ ...draft, ...changes });

  const select = (key: string, label: string, value: string, options: { value: string; label: string }[], onSelect: (value: string) => void, minWidth = 240) => (
    <FormControl size="small" sx={{ minWidth: `min(${minWidth}px, 100%)` }} disabled={readOnly} error={!!error && key !== 'type'}>
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
  const text = (label: string, value: string, onText: (value: string) => void, helper?: string) => (
    <TextField size="small" label={label} value={value} onChange={(e) => onText(e.target.value)} error={!!error} helperText={helper} sx={{ flex: 1, minWidth: 'min(240px, 100%)' }} slotProps={{ input: { readOnly } }} />
  );

  // One entry per template key (the same key is the same answer in every language, docs/routing.md).
  const templateKeys = [...new Map(directory.templates.map((template) => [template.key, template.language === 'es' ? template.title : template.key])).entries()]
    .map(([key, title]) => ({ value: key, label: `${title} (${key})` }))
    .sort((a, b) => a.label.localeCompare(b.label, 'es'));
  // A value the lists no longer hold (an inactive department, a removed template) is still shown.
  const keep = (options: { value: string; label: string }[], value: string) => (value && !options.some((option) => option.value === value) ? [...options, { value, label: value }] : options);

  let fields = null;
  switch (draft.type) {
    case 'set_department':
      fields = select('department', t('rules.labels.department'), draft.departmentId, keep(directory.departmentList.map((department) => ({ value: department.id, label: department.name })), draft.departmentId), (departmentId) => set({ departmentId }));
      break;
    case 'set_priority':
      fields = select('priority', t('rules.labels.priority'), draft.priority, TICKET_PRIORITIES.map((value) => ({ value, label: t(`priority.${value}`) })), (priority) => set({ priority: priority as ActionDraft['priority'] }), 160);
      break;
    case 'add_tags':
      fields = text(t('rules.labels.tags'), draft.tags, (tags) => set({ tags }), t('rules.editor.listHelp'));
      break;
    case 'set_category':
      fields = text(t('rules.labels.category'), draft.category, (category) => set({ category }));
      break;
    case 'assign':
      fields = select('clerk', t('rules.labels.clerk'), draft.userId, keep(directory.userList.map((user) => ({ value: user.id, label: user.name })), draft.userId), (userId) => set({ userId }));
      break;
    case 'auto_reply':
      fields = select('template', t('rules.labels.template'), draft.templateKey, keep(templateKeys, draft.templateKey), (templateKey) => set({ templateKey }), 320);
      break;
    case 'auto_assign':
    case 'stop':
      break;
  }

  return (
    <Paper variant="outlined" sx={{ p: 1.5, borderColor: error ? 'error.main' : undefined }} role="group" aria-label={t('rules.editor.actionType', { n })} data-testid={`action-${index}`}>
      <Stack direction="row" spacing={1.5} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
        {select('type', t('rules.editor.actionType', { n }), draft.type, ACTION_TYPES.map((value) => ({ value, label: t(`rules.actionTypes.${value}`) })), (type) => set({ type: type as RuleActionType }), 300)}
        {fields}
        {!readOnly && (
          <Tooltip title={t('rules.editor.removeAction', { n })}>
            <IconButton onClick={onRemove} aria-label={t('rules.editor.removeAction', { n })} sx={{ ml: 'auto' }}>
              <DeleteOutlinedIcon />
            </IconButton>
          </Tooltip>
        )}
      </Stack>
      {error && (
        <FormHelperText error role="alert">
          {error}
        </FormHelperText>
      )}
    </Paper>
  );
}

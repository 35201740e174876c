// The editor of one rule: name, owner, order, conditions and actions on the left, the live preview
// on the right. Saving checks every field and then core's compiler (rules-draft.ts), so a rule
// that routing would leave out is never saved as if it worked. Read-only for rules the user may
// not change (the server would refuse the write).
import AddIcon from '@mui/icons-material/Add';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { newId } from '../../../core/ids';
import type { RoutingContext } from '../../../core/routing';
import { RULE_MATCHES, type RuleMatch } from '../../../core/schemas';
import { messageOf } from '../../app/errors';
import { useWorkspace } from '../../app/workspace';
import { blankAction, blankCondition, previewRuleOfDraft, ruleOfDraft, withOwner, type DraftError, type RuleDraft } from '../../data/rules-draft';
import { saveRule } from '../../data/rules-store';
import { ActionRow } from './ActionRow';
import { ConditionRow } from './ConditionRow';
import { RulePreviewPanel } from './RulePreviewPanel';
import { sayError } from './say-error';
import { useRulePreview } from './use-rule-preview';

type Props = {
  initial: RuleDraft;
  /** The departments the rule may belong to ('' council-wide); empty when read-only. */
  owners: readonly string[];
  readOnly: boolean;
  context: RoutingContext;
  onClose: () => void;
  onSaved: () => void;
};

export function RuleEditor({ initial, owners, readOnly, context, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { db, directory } = useWorkspace();
  const [draft, setDraft] = useState(initial);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const previewed = useMemo(() => previewRuleOfDraft(draft), [draft]);
  const preview = useRulePreview(db, previewed, context);
  const checked = useMemo(() => (tried ? ruleOfDraft(draft, context, 'draft', Date.now()).errors : []), [tried, draft, context]);
  const errorAt = (at: string) => checked.find((error) => error.at === at);
  const say = (error: DraftError | undefined) => (error ? sayError(t, error) : undefined);
  const set = (changes: Partial<RuleDraft>) => setDraft((current) => ({ ...current, ...changes }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (readOnly) return;
    setTried(true);
    setFailure(undefined);
    const now = Date.now();
    const built = ruleOfDraft(draft, context, newId(now), now);
    if (!built.rule) return;
    setBusy(true);
    try {
      await saveRule(db, built.rule);
      onSaved();
    } catch (error) {
      setFailure(t('rules.saveFailed', { message: messageOf(error) }));
    } finally {
      setBusy(false);
    }
  };

  const ownerName = (id: string) => (id === '' ? t('rules.councilWide') : (directory.departments.get(id)?.name ?? id));
  const ruleError = say(errorAt('rule'));
  const nameError = say(errorAt('name'));
  const actionsError = say(errorAt('actions'));
  const title = readOnly ? t('rules.editor.viewTitle') : initial.id ? t('rules.editor.editTitle') : t('rules.editor.newTitle');

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="xl" aria-labelledby="rule-editor-title">
      {/* The form inside the dialog's Paper, not as it: a <form> may not take the dialog role.
          A flex column of its own keeps DialogContent the part that scrolls. */}
      <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: '1 1 auto' }}>
        <Stack direction="row" sx={{ alignItems: 'center', pr: 3 }}>
          <DialogTitle id="rule-editor-title" sx={{ flex: 1 }}>
            {title}
          </DialogTitle>
          <FormControlLabel disabled={readOnly} control={<Switch checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />} label={t('rules.editor.enabled')} />
        </Stack>
        <DialogContent dividers>
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 3fr) minmax(0, 2fr)' }, gap: 3 }}>
            <Stack spacing={2}>
              {failure && <Alert severity="error" role="alert">{failure}</Alert>}
              {ruleError && <Alert severity="error" role="alert">{ruleError}</Alert>}
              {tried && checked.length > 0 && !ruleError && <Alert severity="error" role="alert">{t('rules.editor.invalid')}</Alert>}
              <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
                <TextField
                  autoFocus={!readOnly}
                  required
                  size="small"
                  label={t('rules.editor.name')}
                  value={draft.name}
                  onChange={(e) => set({ name: e.target.value })}
                  error={!!nameError}
                  helperText={nameError}
                  sx={{ flex: 1, minWidth: 'min(280px, 100%)' }}
                  slotProps={{ input: { readOnly }, htmlInput: { maxLength: 256 } }}
                />
                <FormControl size="small" sx={{ minWidth: 'min(220px, 100%)' }} disabled={readOnly || owners.length < 2}>
                  <InputLabel id="rule-owner">{t('rules.editor.owner')}</InputLabel>
                  <Select labelId="rule-owner" label={t('rules.editor.owner')} value={draft.departmentId} onChange={(e) => setDraft((current) => withOwner(current, String(e.target.value)))}>
                    {(owners.includes(draft.departmentId) ? owners : [draft.departmentId, ...owners]).map((id) => (
                      <MenuItem key={id || 'council'} value={id}>
                        {ownerName(id)}
                      </MenuItem>
                    ))}
                  </Select>
                </FormControl>
                <TextField
                  size="small"
                  type="number"
                  label={t('rules.editor.order')}
                  helperText={t('rules.editor.orderHelp')}
                  value={draft.order}
                  onChange={(e) => set({ order: Number(e.target.value) || 0 })}
                  sx={{ width: 150 }}
                  slotProps={{ input: { readOnly }, htmlInput: { min: 0, max: 1_000_000, step: 10 } }}
                />
              </Stack>

              <Paper variant="outlined" component="section" aria-labelledby="rule-conditions-title" sx={{ p: 2 }}>
                <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1.5 }}>
                  <Typography variant="h6" component="h3" id="rule-conditions-title" sx={{ flex: 1 }}>
                    {t('rules.editor.conditions')}
                  </Typography>
                  <FormControl size="small" sx={{ minWidth: 'min(300px, 100%)' }} disabled={readOnly}>
                    <InputLabel id="rule-match">{t('rules.editor.match')}</InputLabel>
                    <Select labelId="rule-match" label={t('rules.editor.match')} value={draft.match} onChange={(e) => set({ match: e.target.value as RuleMatch })}>
                      {RULE_MATCHES.map((match) => (
                        <MenuItem key={match} value={match}>
                          {match === 'all' ? t('rules.editor.matchAll') : t('rules.editor.matchAny')}
                        </MenuItem>
                      ))}
                    </Select>
                  </FormControl>
                </Stack>
                <Stack spacing={1.5}>
                  {draft.conditions.length === 0 && <Typography color="text.secondary">{t('rules.editor.noConditions')}</Typography>}
                  {draft.conditions.map((condition, index) => (
                    <ConditionRow
                      key={condition.key}
                      draft={condition}
                      index={index}
                      calendars={[...directory.calendars.values()]}
                      readOnly={readOnly}
                      {...(errorAt(`condition.${index}`) && { error: say(errorAt(`condition.${index}`))! })}
                      onChange={(next) => setDraft((current) => ({ ...current, conditions: current.conditions.map((item) => (item.key === next.key ? next : item)) }))}
                      onRemove={() => setDraft((current) => ({ ...current, conditions: current.conditions.filter((item) => item.key !== condition.key) }))}
                    />
                  ))}
                </Stack>
                {!readOnly && (
                  <Button startIcon={<AddIcon />} sx={{ mt: 1.5 }} onClick={() => setDraft((current) => ({ ...current, conditions: [...current.conditions, blankCondition()] }))}>
                    {t('rules.editor.addCondition')}
                  </Button>
                )}
              </Paper>

              <Paper variant="outlined" component="section" aria-labelledby="rule-actions-title" sx={{ p: 2, borderColor: actionsError ? 'error.main' : undefined }}>
                <Typography variant="h6" component="h3" id="rule-actions-title" sx={{ mb: 1.5 }}>
                  {t('rules.editor.actions')}
                </Typography>
                {actionsError && <Alert severity="error" sx={{ mb: 1.5 }}>{actionsError}</Alert>}
                <Stack spacing={1.5}>
                  {draft.actions.map((action, index) => (
                    <ActionRow
                      key={action.key}
                      draft={action}
                      index={index}
                      readOnly={readOnly}
                      {...(errorAt(`action.${index}`) && { error: say(errorAt(`action.${index}`))! })}
                      onChange={(next) => setDraft((current) => ({ ...current, actions: current.actions.map((item) => (item.key === next.key ? next : item)) }))}
                      onRemove={() => setDraft((current) => ({ ...current, actions: current.actions.filter((item) => item.key !== action.key) }))}
                    />
                  ))}
                </Stack>
                {!readOnly && (
                  <Button startIcon={<AddIcon />} sx={{ mt: 1.5 }} onClick={() => setDraft((current) => ({ ...current, actions: [...current.actions, blankAction('set_priority')] }))}>
                    {t('rules.editor.addAction')}
                  </Button>
                )}
              </Paper>
            </Stack>
            <Paper variant="outlined" sx={{ p: 2, alignSelf: 'start', position: { lg: 'sticky' }, top: 0 }}>
              <RulePreviewPanel preview={preview} />
            </Paper>
          </Box>
        </DialogContent>
        <DialogActions>
          {readOnly ? (
            <Button onClick={onClose} variant="contained">{t('rules.editor.close')}</Button>
          ) : (
            <>
              <Button onClick={onClose}>{t('rules.editor.cancel')}</Button>
              <Button type="submit" variant="contained" disabled={busy}>
                {busy ? t('rules.editor.saving') : t('rules.editor.save')}
              </Button>
            </>
          )}
        </DialogActions>
      </Box>
    </Dialog>
  );
}

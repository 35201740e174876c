// A supervisor's routing rules: the council's rules in the order they apply — those of their
// departments to switch on and off, reorder, edit and delete, the council-wide ones to read —, the
// editor with its live preview, and "volver a aplicar" to a department's open tickets. Everything
// is written to the local replica: it works with the server down and syncs when it is back.
import AddIcon from '@mui/icons-material/Add';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Snackbar from '@mui/material/Snackbar';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { map } from 'rxjs';
import { compileRules, ruleProblem, type RuleProblem } from '../../../core/routing';
import type { Rule } from '../../../core/schemas';
import { messageOf } from '../../app/errors';
import { useWorkspace } from '../../app/workspace';
import { ReapplyPanel } from '../../components/rules/ReapplyPanel';
import { RuleEditor } from '../../components/rules/RuleEditor';
import { RuleTable } from '../../components/rules/RuleTable';
import { routingContextOf } from '../../data/rules-context';
import { draftOf, newDraft, type RuleDraft } from '../../data/rules-draft';
import { canWriteRules, deleteRule, moveRule, nextOrder, ruleOwners, setRuleEnabled, visibleRules, writeOrders } from '../../data/rules-store';
import { useObservable } from '../../hooks/use-rx';

type Editing = { draft: RuleDraft; readOnly: boolean };

export function Rules() {
  const { t } = useTranslation();
  const { db, session, directory } = useWorkspace();
  const user = session.user;
  const all = useObservable<Rule[]>(() => db.rules.find().$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))), [db], []);
  const context = useMemo(() => routingContextOf([...directory.calendars.values()], [...directory.departments.values()]), [directory.calendars, directory.departments]);
  const shown = useMemo(() => visibleRules(all.value, user), [all.value, user]);
  const compiled = useMemo(() => compileRules(all.value, context), [all.value, context]);
  const problems = useMemo(() => {
    const found = new Map<string, RuleProblem>();
    for (const rule of shown) {
      const problem = ruleProblem(rule, context);
      if (problem) found.set(rule.id, problem);
    }
    return found;
  }, [shown, context]);
  const owners = useMemo(() => ruleOwners(user, directory.departmentList.map((department) => department.id)), [user, directory.departmentList]);
  const canEdit = (rule: Rule) => canWriteRules(user, rule.departmentId);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<Rule>();
  const [notice, setNotice] = useState<string>();

  const act = async (work: () => Promise<void>, done?: string) => {
    try {
      await work();
      if (done) setNotice(done);
    } catch (failure) {
      setNotice(t('rules.saveFailed', { message: messageOf(failure) }));
    }
  };
  // The moves are computed over the rules shown: a supervisor's replica holds no other department's
  // rules (the server scopes them), so these are all the rules routing on this workstation sees.
  const moveOf = (index: number, direction: -1 | 1) => moveRule(shown, index, direction, canEdit);

  if (owners.length === 0 && user.role !== 'admin') return <Alert severity="info" sx={{ m: 2 }}>{t('supervisor.noDepartments')}</Alert>;

  return (
    <Box sx={{ flex: 1, overflow: 'auto', p: 2 }}>
      <Stack spacing={2} sx={{ maxWidth: 1300, mx: 'auto' }}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Typography variant="h5" component="h1" sx={{ flex: 1 }}>
            {t('rules.title')}
          </Typography>
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing({ draft: newDraft(owners[0] ?? '', nextOrder(all.value)), readOnly: false })}>
            {t('rules.new')}
          </Button>
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {t('rules.intro')} {t('rules.offline')}
        </Typography>
        {/* The table scrolls sideways inside its box at 320 CSS px; the rest of the screen reflows. */}
        <Paper variant="outlined" sx={{ overflowX: 'auto' }}>
          {!all.loading && (
            <RuleTable
              rules={shown}
              problems={problems}
              canEdit={canEdit}
              canMove={(index, direction) => moveOf(index, direction) !== undefined}
              onMove={(index, direction) => {
                const writes = moveOf(index, direction);
                if (writes) void act(() => writeOrders(db, writes));
              }}
              onToggle={(rule, enabled) => void act(() => setRuleEnabled(db, rule.id, enabled))}
              onOpen={(rule) => setEditing({ draft: draftOf(rule), readOnly: !canEdit(rule) })}
              onDelete={setDeleting}
            />
          )}
        </Paper>
        <ReapplyPanel compiled={compiled} departmentIds={user.role === 'admin' ? directory.departmentList.map((department) => department.id) : user.departmentIds.filter((id) => directory.departments.has(id))} />
      </Stack>
      {editing && (
        <RuleEditor
          initial={editing.draft}
          owners={owners}
          readOnly={editing.readOnly}
          context={context}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            setNotice(t('rules.saved'));
          }}
        />
      )}
      {deleting && (
        <Dialog open onClose={() => setDeleting(undefined)} aria-labelledby="rule-delete-title">
          <DialogTitle id="rule-delete-title">{t('rules.deleteTitle')}</DialogTitle>
          <DialogContent>
            <DialogContentText>{t('rules.deleteText', { name: deleting.name })}</DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button autoFocus onClick={() => setDeleting(undefined)}>{t('rules.cancel')}</Button>
            <Button
              color="error"
              variant="contained"
              onClick={() => {
                const id = deleting.id;
                setDeleting(undefined);
                void act(() => deleteRule(db, id), t('rules.deleted'));
              }}
            >
              {t('rules.deleteConfirm')}
            </Button>
          </DialogActions>
        </Dialog>
      )}
      <Snackbar open={notice !== undefined} autoHideDuration={3000} onClose={() => setNotice(undefined)} message={notice} />
    </Box>
  );
}

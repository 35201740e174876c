// "Volver a aplicar las reglas" to the open tickets of one of the supervisor's departments (or the
// intake queue), with progress "n de m" and a stop button; each change is the supervisor's own
// stamped edit (renderer/data/rules-reapply.ts), so it syncs like any other.
import ReplayIcon from '@mui/icons-material/Replay';
import StopIcon from '@mui/icons-material/Stop';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CompiledRules } from '../../../core/routing';
import { messageOf } from '../../app/errors';
import { useWorkspace } from '../../app/workspace';
import { reapplyToDepartment, type ReapplyRunProgress, type ReapplyRunResult } from '../../data/rules-reapply';

const INTAKE = '__intake';

export function ReapplyPanel({ compiled, departmentIds }: { compiled: CompiledRules; departmentIds: readonly string[] }) {
  const { t } = useTranslation();
  const { db, directory, me } = useWorkspace();
  const [choice, setChoice] = useState(departmentIds[0] ?? INTAKE);
  const [progress, setProgress] = useState<ReapplyRunProgress>();
  const [result, setResult] = useState<ReapplyRunResult>();
  const [error, setError] = useState<string>();
  const running = progress !== undefined;
  const stop = useRef(false);
  // Leaving the screen stops a run between two slices; what it wrote stays written.
  useEffect(
    () => () => {
      stop.current = true;
    },
    [],
  );

  const start = async () => {
    stop.current = false;
    setResult(undefined);
    setError(undefined);
    setProgress({ phase: 'reading', done: 0, total: 0, changed: 0 });
    try {
      const outcome = await reapplyToDepartment(db, compiled, choice === INTAKE ? '' : choice, { by: me, onProgress: setProgress, shouldStop: () => stop.current });
      setResult(outcome);
    } catch (failure) {
      setError(t('errors.generic', { message: messageOf(failure) }));
    } finally {
      setProgress(undefined);
    }
  };

  const percent = progress && progress.total > 0 ? (progress.done / progress.total) * 100 : 0;
  return (
    <Paper variant="outlined" component="section" aria-labelledby="rules-reapply-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="rules-reapply-title">
        {t('rules.reapply.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('rules.reapply.help')}
      </Typography>
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <FormControl size="small" sx={{ minWidth: 'min(260px, 100%)' }} disabled={running}>
          <InputLabel id="rules-reapply-department">{t('rules.reapply.department')}</InputLabel>
          <Select labelId="rules-reapply-department" label={t('rules.reapply.department')} value={choice} onChange={(e) => setChoice(String(e.target.value))}>
            {departmentIds.map((id) => (
              <MenuItem key={id} value={id}>
                {directory.departments.get(id)?.name ?? id}
              </MenuItem>
            ))}
            <MenuItem value={INTAKE}>{t('rules.reapply.intake')}</MenuItem>
          </Select>
        </FormControl>
        {running ? (
          <Button variant="outlined" color="error" startIcon={<StopIcon />} onClick={() => (stop.current = true)}>
            {t('rules.reapply.stop')}
          </Button>
        ) : (
          <Button variant="contained" startIcon={<ReplayIcon />} onClick={() => void start()}>
            {t('rules.reapply.start')}
          </Button>
        )}
      </Stack>
      {progress && (
        <Stack spacing={0.5} sx={{ mt: 2 }}>
          <Typography role="status" data-testid="reapply-progress">
            {progress.phase === 'reading' ? t('rules.reapply.reading') : `${t('rules.reapply.progress', { done: progress.done, total: progress.total })} · ${t('rules.reapply.changed', { count: progress.changed })}`}
          </Typography>
          <LinearProgress variant={progress.phase === 'reading' ? 'indeterminate' : 'determinate'} value={percent} aria-label={t('rules.reapply.progressLabel')} />
        </Stack>
      )}
      {result && (
        <Alert severity={result.failed.length > 0 ? 'warning' : 'success'} role="status" sx={{ mt: 2 }} data-testid="reapply-result">
          {result.total === 0
            ? t('rules.reapply.nothing')
            : t(result.stopped ? 'rules.reapply.stopped' : 'rules.reapply.finished', { examined: result.examined, total: result.total, changed: result.changed })}
          {result.failed.length > 0 && ` ${t('rules.reapply.failed', { count: result.failed.length, message: result.failed[0]!.message })}`}
        </Alert>
      )}
      {error && (
        <Alert severity="error" role="alert" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
    </Paper>
  );
}

// The rules in the order routing applies them, with what each does, whether it is on, and — for
// the rules the user may change — up, down, edit and delete. A rule core could not compile says
// why it is not applied.
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/Edit';
import LockIcon from '@mui/icons-material/Lock';
import VisibilityIcon from '@mui/icons-material/Visibility';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useTranslation } from 'react-i18next';
import type { RuleProblem } from '../../../core/routing';
import type { Rule, RuleAction } from '../../../core/schemas';
import { useWorkspace } from '../../app/workspace';
import { problemError } from '../../data/rules-draft';
import { sayError } from './say-error';

type Props = {
  rules: readonly Rule[];
  problems: ReadonlyMap<string, RuleProblem>;
  canEdit: (rule: Rule) => boolean;
  canMove: (index: number, direction: -1 | 1) => boolean;
  onMove: (index: number, direction: -1 | 1) => void;
  onToggle: (rule: Rule, enabled: boolean) => void;
  onOpen: (rule: Rule) => void;
  onDelete: (rule: Rule) => void;
};

export function RuleTable({ rules, problems, canEdit, canMove, onMove, onToggle, onOpen, onDelete }: Props) {
  const { t, i18n } = useTranslation();
  const { directory } = useWorkspace();
  if (rules.length === 0) return <Alert severity="info">{t('rules.empty')}</Alert>;

  const actionLabel = (action: RuleAction): string => {
    const label = t(`rules.actionTypes.${action.type}`);
    switch (action.type) {
      case 'set_department':
        return `${label}: ${directory.departments.get(action.departmentId)?.name ?? action.departmentId}`;
      case 'set_priority':
        return `${label}: ${t(`priority.${action.priority}`)}`;
      case 'add_tags':
        return `${label}: ${action.tags.join(', ')}`;
      case 'set_category':
        return `${label}: ${action.category}`;
      case 'assign':
        return `${label}: ${directory.users.get(action.userId)?.name ?? action.userId}`;
      case 'auto_reply': {
        // The template's title, as the editor's list shows it (in the clerk's language when the
        // council has it), not its key: "acuse-recibo" means nothing at a glance.
        const versions = directory.templates.filter((template) => template.key === action.templateKey);
        const shown = versions.find((template) => template.language === i18n.language) ?? versions.find((template) => template.language === 'es') ?? versions[0];
        return `${label}: ${shown?.title ?? action.templateKey}`;
      }
      default:
        return label;
    }
  };
  const ownerName = (rule: Rule) => (rule.departmentId ? (directory.departments.get(rule.departmentId)?.name ?? rule.departmentId) : t('rules.councilWide'));

  return (
    <Table size="small" aria-label={t('rules.list')}>
      <TableHead>
        <TableRow>
          <TableCell component="th" align="right">{t('rules.columns.position')}</TableCell>
          <TableCell component="th">{t('rules.columns.name')}</TableCell>
          <TableCell component="th">{t('rules.columns.owner')}</TableCell>
          <TableCell component="th">{t('rules.columns.summary')}</TableCell>
          <TableCell component="th">{t('rules.columns.enabled')}</TableCell>
          <TableCell component="th">{t('rules.columns.actions')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rules.map((rule, index) => {
          const editable = canEdit(rule);
          const problem = problems.get(rule.id);
          const error = problem && problemError(problem.message);
          return (
            <TableRow key={rule.id} data-rule-id={rule.id} sx={rule.enabled ? undefined : { '& td': { color: 'text.secondary' } }}>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{index + 1}</TableCell>
              <TableCell component="th" scope="row">
                <Typography sx={{ fontWeight: 600 }}>{rule.name}</Typography>
                {error && (
                  <Typography variant="body2" color="error" role="note">
                    {t('rules.problem', { message: sayError(t, error) })}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
                  <span>{ownerName(rule)}</span>
                  {!editable && (
                    <Tooltip title={t('rules.readOnlyHelp')}>
                      <Chip size="small" variant="outlined" icon={<LockIcon />} label={t('rules.readOnly')} />
                    </Tooltip>
                  )}
                </Stack>
              </TableCell>
              <TableCell sx={{ maxWidth: 460 }}>
                <Typography variant="body2">
                  {(rule.conditions.length === 0 ? t('rules.noConditions') : t('rules.conditionCount', { count: rule.conditions.length })) + ' → ' + rule.actions.map(actionLabel).join(' · ')}
                </Typography>
              </TableCell>
              <TableCell>
                <Switch checked={rule.enabled} disabled={!editable} onChange={(e) => onToggle(rule, e.target.checked)} slotProps={{ input: { 'aria-label': t('rules.enabled', { name: rule.name }) } }} />
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {editable && (
                  <>
                    <Tooltip title={t('rules.moveUp', { name: rule.name })}>
                      <span>
                        <IconButton size="small" disabled={!canMove(index, -1)} onClick={() => onMove(index, -1)} aria-label={t('rules.moveUp', { name: rule.name })}>
                          <ArrowUpwardIcon fontSize="small" />
                        </IconButton>
                      </span>
                    </Tooltip>
                    <Tooltip title={t('rules.moveDown', { name: rule.name })}>
                      <span>
                        <IconButton size="small" disabled={!canMove(index, 1)} onClick={() => onMove(index, 1)} aria-label={t('rules.moveDown', { name: rule.name })}>
                          <ArrowDownwardIcon fontSize="small" />
                        </IconButton>
                      </span>
                    </Tooltip>
                  </>
                )}
                <Tooltip title={editable ? t('rules.edit', { name: rule.name }) : t('rules.view', { name: rule.name })}>
                  <IconButton size="small" onClick={() => onOpen(rule)} aria-label={editable ? t('rules.edit', { name: rule.name }) : t('rules.view', { name: rule.name })}>
                    {editable ? <EditIcon fontSize="small" /> : <VisibilityIcon fontSize="small" />}
                  </IconButton>
                </Tooltip>
                {editable && (
                  <Tooltip title={t('rules.delete', { name: rule.name })}>
                    <IconButton size="small" onClick={() => onDelete(rule)} aria-label={t('rules.delete', { name: rule.name })}>
                      <DeleteOutlinedIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

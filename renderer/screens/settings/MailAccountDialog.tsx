// Add or change a mailbox account: IMAP (where mail is read), SMTP (how answers leave), the
// default department, and "Probar conexión" before saving. Passwords are never shown back: left
// empty when editing, the stored one stays.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAccountForm, MailAccountView, MailConnectionTest, MailSecurity } from '../../../core/app-api';
import type { Department } from '../../../core/schemas';
import { messageOf } from '../../app/errors';

type Props = {
  account?: MailAccountView;
  departments: readonly Department[];
  onClose: () => void;
  onSaved: (account: MailAccountView) => void;
  save: (form: MailAccountForm) => Promise<MailAccountView>;
  test: (form: MailAccountForm) => Promise<MailConnectionTest>;
};

type Fields = {
  name: string;
  address: string;
  host: string;
  port: string;
  security: MailSecurity;
  user: string;
  password: string;
  folder: string;
  defaultDepartmentId: string;
  enabled: boolean;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: MailSecurity;
  smtpUser: string;
  smtpPassword: string;
};

const SECURITIES: MailSecurity[] = ['tls', 'starttls', 'none'];

function fieldsOf(account?: MailAccountView): Fields {
  return {
    name: account?.name ?? '',
    address: account?.address ?? '',
    host: account?.host ?? '',
    port: String(account?.port ?? 993),
    security: account?.security ?? 'tls',
    user: account?.user ?? '',
    password: '',
    folder: account?.folder ?? 'INBOX',
    defaultDepartmentId: account?.defaultDepartmentId ?? '',
    enabled: account?.enabled ?? true,
    smtpHost: account?.smtp.host ?? '',
    smtpPort: String(account?.smtp.port ?? 587),
    smtpSecurity: account?.smtp.security ?? 'starttls',
    smtpUser: account?.smtp.user ?? '',
    smtpPassword: '',
  };
}

export function MailAccountDialog({ account, departments, onClose, onSaved, save, test }: Props) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<Fields>(() => fieldsOf(account));
  const [busy, setBusy] = useState<'saving' | 'testing' | null>(null);
  const [error, setError] = useState<string>();
  const [tested, setTested] = useState<MailConnectionTest>();
  const set = <K extends keyof Fields>(key: K) => (value: Fields[K]) => setFields((current) => ({ ...current, [key]: value }));
  const text = (key: keyof Fields, label: string, options: { type?: string; required?: boolean; helper?: string; autoComplete?: string } = {}) => (
    <TextField
      label={label}
      value={fields[key] as string}
      onChange={(event) => set(key)(event.target.value as never)}
      type={options.type ?? 'text'}
      required={options.required ?? false}
      helperText={options.helper}
      autoComplete={options.autoComplete ?? 'off'}
      size="small"
      fullWidth
    />
  );
  const security = (key: 'security' | 'smtpSecurity', label: string) => (
    <TextField select label={label} value={fields[key]} onChange={(event) => set(key)(event.target.value as MailSecurity)} size="small" fullWidth>
      {SECURITIES.map((value) => (
        <MenuItem key={value} value={value}>
          {t(`settings.mail.security.${value}`)}
        </MenuItem>
      ))}
    </TextField>
  );

  const form = (): MailAccountForm => ({
    ...(account && { id: account.id }),
    name: fields.name.trim(),
    address: fields.address.trim(),
    host: fields.host.trim(),
    port: Number(fields.port),
    security: fields.security,
    user: fields.user.trim(),
    ...(fields.password && { password: fields.password }),
    folder: fields.folder.trim() || 'INBOX',
    defaultDepartmentId: fields.defaultDepartmentId,
    enabled: fields.enabled,
    smtp: {
      host: fields.smtpHost.trim() || fields.host.trim(),
      port: Number(fields.smtpPort),
      security: fields.smtpSecurity,
      user: fields.smtpUser.trim(),
      ...(fields.smtpPassword && { password: fields.smtpPassword }),
    },
  });

  const run = async (kind: 'saving' | 'testing') => {
    setBusy(kind);
    setError(undefined);
    try {
      if (kind === 'testing') setTested(await test(form()));
      else onSaved(await save(form()));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(null);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('saving');
  };

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="mail-account-title">
      <form onSubmit={submit} noValidate={false}>
        <DialogTitle id="mail-account-title">{account ? t('settings.mail.editAccount') : t('settings.mail.addAccount')}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('name', t('settings.mail.name'))}
              {text('address', t('settings.mail.address'), { type: 'email', required: true, autoComplete: 'email' })}
            </Stack>
            <Typography variant="subtitle2" component="h3">
              {t('settings.mail.imapHeading')}
            </Typography>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('host', t('settings.mail.host'), { required: true })}
              {text('port', t('settings.mail.port'), { type: 'number', required: true })}
              {security('security', t('settings.mail.securityLabel'))}
            </Stack>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('user', t('settings.mail.user'), { required: true, autoComplete: 'username' })}
              {text('password', t('settings.mail.password'), { type: 'password', required: !account, autoComplete: 'new-password', ...(account?.hasPassword && { helper: t('settings.mail.passwordKept') }) })}
              {text('folder', t('settings.mail.folder'))}
            </Stack>
            <TextField
              select
              label={t('settings.mail.defaultDepartment')}
              value={fields.defaultDepartmentId}
              onChange={(event) => set('defaultDepartmentId')(event.target.value)}
              size="small"
              helperText={t('settings.mail.defaultDepartmentHelp')}
              // '' (the intake queue) is a real choice: show its name, not an empty box.
              slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
            >
              <MenuItem value="">{t('settings.mail.intake')}</MenuItem>
              {departments.map((department) => (
                <MenuItem key={department.id} value={department.id}>
                  {department.name}
                </MenuItem>
              ))}
            </TextField>
            <Typography variant="subtitle2" component="h3">
              {t('settings.mail.smtpHeading')}
            </Typography>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('smtpHost', t('settings.mail.smtpHost'), { helper: t('settings.mail.smtpHostHelp') })}
              {text('smtpPort', t('settings.mail.smtpPort'), { type: 'number', required: true })}
              {security('smtpSecurity', t('settings.mail.smtpSecurity'))}
            </Stack>
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              {text('smtpUser', t('settings.mail.smtpUser'), { helper: t('settings.mail.smtpUserHelp') })}
              {text('smtpPassword', t('settings.mail.smtpPassword'), { type: 'password', autoComplete: 'new-password', helper: t('settings.mail.smtpPasswordHelp') })}
            </Stack>
            <FormControlLabel control={<Switch checked={fields.enabled} onChange={(event) => set('enabled')(event.target.checked)} />} label={t('settings.mail.enabled')} />
            {tested && (
              <Stack spacing={1} role="status" aria-live="polite">
                <Alert severity={tested.imap.ok ? 'success' : 'error'}>{`${t('settings.mail.imapHeading')}: ${tested.imap.message}`}</Alert>
                <Alert severity={tested.smtp.ok ? 'success' : 'error'}>{`${t('settings.mail.smtpHeading')}: ${tested.smtp.message}`}</Alert>
              </Stack>
            )}
            {error && (
              <Alert severity="error" role="alert">
                {error}
              </Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{t('settings.mail.cancel')}</Button>
          <Button onClick={() => void run('testing')} disabled={busy !== null}>
            {busy === 'testing' ? t('settings.mail.testing') : t('settings.mail.test')}
          </Button>
          <Button type="submit" variant="contained" disabled={busy !== null}>
            {busy === 'saving' ? t('settings.mail.saving') : t('settings.mail.save')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

// A citizen's card, to create or to edit: the ID document is checked as it is typed (core/identity:
// check letters and digits), phones and emails normalised; problems are said per field.
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ID_DOCUMENT_TYPES, type Citizen, type IdDocumentType } from '../../core/schemas';
import { checkSpanishDocument } from '../../core/identity/documents';
import { newId } from '../../core/ids';
import { messageOf } from '../app/errors';
import { useWorkspace } from '../app/workspace';
import { checkCitizenDraft, draftOf, type CitizenDraft, type CitizenProblems } from '../data/citizen-form';

const LANGUAGES = ['es', 'en', 'ca', 'eu', 'gl', 'fr'] as const;

type Props = { citizen?: Citizen; initialName?: string; onSaved: (citizen: Citizen) => void; onCancel: () => void; dense?: boolean };

export function CitizenForm({ citizen, initialName, onSaved, onCancel, dense }: Props) {
  const { t } = useTranslation();
  const { db } = useWorkspace();
  const [draft, setDraft] = useState<CitizenDraft>(() => ({ ...draftOf(citizen), ...(initialName && !citizen && { name: initialName }) }));
  const [problems, setProblems] = useState<CitizenProblems>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof CitizenDraft>(key: K, value: CitizenDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const liveDocument = draft.documentNumber.trim() && draft.documentType !== 'passport' && draft.documentType !== 'other' ? checkSpanishDocument(draft.documentNumber, draft.documentType || undefined) : undefined;
  const documentMessage = (problem: CitizenProblems['document']) =>
    problem ? t(`citizen.errors.${problem.problem}`, { expected: problem.expected ?? '' }) : liveDocument?.ok ? t('citizen.documentValid') : ' ';

  const save = async () => {
    const check = checkCitizenDraft(draft);
    if (!check.ok) {
      setProblems(check.problems);
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      const now = Date.now();
      let saved: Citizen;
      if (citizen) {
        const doc = await db.citizens.findOne(citizen.id).exec();
        if (!doc) throw new Error(t('citizen.notFound'));
        // Replaces the card's fields with the form's (optional ones the clerk emptied go away).
        const next = await doc.incrementalModify((data) => {
          const { documentType: _type, address: _address, ...rest } = data;
          return { ...rest, ...check.fields, updatedAt: Math.max(now, data.updatedAt + 1) };
        });
        saved = next.toMutableJSON();
      } else {
        saved = { id: newId(now), ...check.fields, createdAt: now, updatedAt: now };
        await db.citizens.insert(saved);
      }
      onSaved(saved);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const size = dense ? 'small' : 'medium';
  return (
    <Stack spacing={1.5} component="form" noValidate aria-label={citizen ? t('citizen.edit') : t('contact.newCitizen')} onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <TextField size={size} label={t('citizen.name')} value={draft.name} onChange={(e) => set('name', e.target.value)} error={problems.name} helperText={problems.name ? t('citizen.errors.name') : undefined} required autoFocus />
      {/* The rows wrap in a narrow dialog (320 CSS px: WCAG 1.4.10) rather than squeeze a field to nothing. */}
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <FormControl size={size} sx={{ flex: '1 1 200px', maxWidth: { sm: 200 } }}>
          <InputLabel id="citizen-document-type">{t('citizen.documentType')}</InputLabel>
          <Select labelId="citizen-document-type" label={t('citizen.documentType')} value={draft.documentType} onChange={(e) => set('documentType', e.target.value as IdDocumentType | '')}>
            <MenuItem value="">{t('citizen.noDocument')}</MenuItem>
            {ID_DOCUMENT_TYPES.map((type) => (
              <MenuItem key={type} value={type}>
                {t(`citizen.documentTypes.${type}`)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <TextField
          size={size}
          label={t('citizen.document')}
          value={draft.documentNumber}
          onChange={(e) => set('documentNumber', e.target.value)}
          error={problems.document !== undefined}
          helperText={documentMessage(problems.document)}
          sx={{ flex: '999 1 180px' }}
          slotProps={{ input: { endAdornment: liveDocument?.ok ? <CheckCircleIcon color="success" aria-hidden /> : undefined } }}
        />
      </Stack>
      <TextField size={size} label={t('citizen.phones')} value={draft.phones} onChange={(e) => set('phones', e.target.value)} error={problems.phones !== undefined} helperText={problems.phones ? t('citizen.errors.phone', { value: problems.phones }) : t('citizen.listHelp')} inputMode="tel" />
      <TextField size={size} label={t('citizen.emails')} value={draft.emails} onChange={(e) => set('emails', e.target.value)} error={problems.emails !== undefined} helperText={problems.emails ? t('citizen.errors.email', { value: problems.emails }) : t('citizen.listHelp')} inputMode="email" />
      <TextField size={size} label={t('citizen.address')} value={draft.addressLine} onChange={(e) => set('addressLine', e.target.value)} />
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <TextField size={size} label={t('citizen.postalCode')} value={draft.postalCode} onChange={(e) => set('postalCode', e.target.value)} sx={{ flex: '1 1 120px', maxWidth: { sm: 150 } }} />
        <TextField size={size} label={t('citizen.municipality')} value={draft.municipality} onChange={(e) => set('municipality', e.target.value)} sx={{ flex: '999 1 180px' }} />
        <FormControl size={size} sx={{ flex: '1 1 160px', maxWidth: { sm: 200 } }}>
          <InputLabel id="citizen-language">{t('citizen.preferredLanguage')}</InputLabel>
          <Select labelId="citizen-language" label={t('citizen.preferredLanguage')} value={draft.preferredLanguage} onChange={(e) => set('preferredLanguage', String(e.target.value))}>
            {LANGUAGES.map((language) => (
              <MenuItem key={language} value={language}>
                {t(`citizen.languages.${language}`)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Stack>
      {error && <span role="alert">{t('ticket.saveFailed', { message: error })}</span>}
      <Stack sx={{ justifyContent: 'flex-end' }} direction="row" spacing={1}>
        <Button onClick={onCancel}>{t('citizen.cancel')}</Button>
        <Button type="submit" variant="contained" disabled={busy}>
          {t('citizen.save')}
        </Button>
      </Stack>
    </Stack>
  );
}

// Merge a ticket into another one, found by the reference the clerk types.
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { normalizeReference } from '../../core/ids';
import type { Ticket } from '../../core/schemas';
import { messageOf } from '../app/errors';
import { useWorkspace } from '../app/workspace';
import { mergeTicket, ticketByReference } from '../data/ticket-actions';

export function MergeDialog({ ticket, onClose, onMerged }: { ticket: Ticket; onClose: () => void; onMerged: (target: Ticket) => void }) {
  const { t } = useTranslation();
  const { db, me } = useWorkspace();
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const normalised = normalizeReference(reference) ?? reference.trim().toUpperCase();
    setBusy(true);
    try {
      const target = await ticketByReference(db, normalised);
      if (!target) return setError(t('ticket.mergeNotFound'));
      if (target.id === ticket.id) return setError(t('ticket.mergeSelf'));
      await mergeTicket(db, ticket, target, me, t('ticket.mergedNote', { reference: ticket.reference }));
      onMerged(target);
    } catch (failure) {
      setError(t('ticket.saveFailed', { message: messageOf(failure) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby="merge-title" slotProps={{ paper: { component: 'form', onSubmit: submit } as object }}>
      <DialogTitle id="merge-title">{t('ticket.mergeTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>{t('ticket.mergeHelp')}</DialogContentText>
        {error && (
          <Alert severity="error" role="alert" sx={{ mb: 2 }}>
            {error}
          </Alert>
        )}
        <TextField autoFocus fullWidth label={t('ticket.mergeTarget')} value={reference} onChange={(e) => setReference(e.target.value)} placeholder="2026-XXXX-XXXX" />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('ticket.cancel')}</Button>
        <Button type="submit" variant="contained" disabled={busy || !reference.trim()}>
          {t('ticket.mergeConfirm')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import { useTranslation } from 'react-i18next';

const KEYS = [
  ['j / k', 'jk'],
  ['Enter', 'enter'],
  ['r', 'r'],
  ['n', 'n'],
  ['a', 'a'],
  ['t', 't'],
  ['/', 'slash'],
  ['Esc', 'esc'],
  ['?', 'question'],
  ['Alt+L', 'call'],
  ['Alt+V', 'visit'],
] as const;

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="shortcuts-title">
      <DialogTitle id="shortcuts-title">{t('shortcuts.title')}</DialogTitle>
      {/* Focusable: in a short or narrow window (320 CSS px) the list scrolls, and a keyboard must reach it (WCAG 2.1.1). */}
      <DialogContent tabIndex={0} role="region" aria-labelledby="shortcuts-title" sx={{ '&:focus-visible': { outlineOffset: '-3px' } }}>
        <Table size="small" aria-labelledby="shortcuts-title">
          <TableBody>
            {KEYS.map(([key, name]) => (
              <TableRow key={name}>
                <TableCell component="th" scope="row">
                  <kbd>{key}</kbd>
                </TableCell>
                <TableCell>{t(`shortcuts.keys.${name}`)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus>
          {t('shortcuts.close')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

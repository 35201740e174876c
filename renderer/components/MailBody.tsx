// A mail's HTML, sanitised (data/mail-html.ts), in a sandboxed iframe: `sandbox` without
// `allow-scripts` runs nothing even if something slipped through; `allow-same-origin` only lets
// this page read the frame's height to size it (no script can use that origin: none runs).
import ImageIcon from '@mui/icons-material/Image';
import LinkIcon from '@mui/icons-material/Link';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sanitiseMailHtml } from '../data/mail-html';
import { usePlatform } from '../hooks/use-platform';

const MAX_HEIGHT = 640;

export function MailBody({ html }: { html: string }) {
  const { t } = useTranslation();
  const platform = usePlatform();
  const [showImages, setShowImages] = useState(false);
  const [height, setHeight] = useState(160);
  const frame = useRef<HTMLIFrameElement>(null);
  const mail = useMemo(() => sanitiseMailHtml(html, showImages), [html, showImages]);
  const measure = () => {
    const doc = frame.current?.contentDocument;
    if (doc?.body) setHeight(Math.min(MAX_HEIGHT, doc.documentElement.scrollHeight + 4));
  };
  return (
    <Box>
      {mail.blockedImages > 0 && !showImages && (
        <Alert
          severity="info"
          icon={<ImageIcon />}
          sx={{ mb: 1 }}
          action={
            <Button color="inherit" size="small" onClick={() => setShowImages(true)}>
              {t('mail.showImages')}
            </Button>
          }
        >
          {t('mail.imagesBlocked', { count: mail.blockedImages })}
        </Alert>
      )}
      <Box
        component="iframe"
        ref={frame}
        title={t('mail.frameTitle')}
        sandbox="allow-same-origin"
        referrerPolicy="no-referrer"
        srcDoc={mail.document}
        onLoad={measure}
        data-testid="mail-frame"
        sx={{ width: '100%', height, border: 1, borderColor: 'divider', borderRadius: 1, bgcolor: '#fff' }}
      />
      {mail.links.length > 0 && (
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1, mt: 1 }}>
          {mail.links.slice(0, 12).map((link) => (
            <Button key={link} size="small" variant="text" startIcon={<LinkIcon />} onClick={() => platform.openExternal(link)} sx={{ textTransform: 'none', maxWidth: 360 }}>
              <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                {link}
              </Box>
            </Button>
          ))}
        </Stack>
      )}
    </Box>
  );
}

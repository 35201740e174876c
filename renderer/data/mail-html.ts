// Mail HTML is hostile (STYLE.md): it is sanitised with DOMPurify and shown in a sandboxed iframe
// without scripts (components/MailBody.tsx). Remote content — images, CSS backgrounds, fonts —
// tells the sender when and where the mail was read, so it is blocked until the clerk asks:
// DOMPurify strips it, and the frame's own Content-Security-Policy blocks whatever a style
// sheet might still reference. Links are kept for reading, listed beside the frame, and opened
// only through the platform (http, https, mailto).
import DOMPurify from 'dompurify';

export type SanitisedMail = {
  /** The whole document for the iframe's srcdoc, with its CSP. */
  document: string;
  /** Remote images left out (0 when they were allowed). */
  blockedImages: number;
  /** The links of the mail, deduplicated, http(s) and mailto only. */
  links: string[];
};

const SAFE_LINK = /^(https?:|mailto:)/i;
/** Images that load nothing from the network: inline data, and cid: parts (shown as blanks for now). */
const LOCAL_IMAGE = /^(data:image\/(png|gif|jpe?g|webp);|cid:)/i;

/**
 * CSS that loads nothing it should not: `@import` never (a style sheet from the sender's server
 * is a read receipt and can restyle the frame into a phishing page), `url(…)` only to inline
 * images, or to the network once the clerk asked for images.
 */
export function cleanCss(css: string, allowRemoteImages: boolean): string {
  return css
    .replace(/@import[^;]*;?/gi, '')
    .replace(/url\(\s*(['"]?)(.*?)\1\s*\)/gi, (whole, _quote: string, target: string) =>
      /^data:image\//i.test(target) || (allowRemoteImages && /^https?:/i.test(target)) ? whole : 'none',
    );
}

function frameCsp(allowRemoteImages: boolean): string {
  const images = allowRemoteImages ? 'data: https: http:' : 'data:';
  return `default-src 'none'; img-src ${images}; style-src 'unsafe-inline'; font-src 'none'; form-action 'none'; base-uri 'none'`;
}

/**
 * Sanitises a mail's HTML for the frame. Scripts, event handlers, `javascript:` and other
 * schemes, forms, frames, objects and meta refreshes are removed; remote images are removed (and
 * counted) unless `allowRemoteImages`.
 */
export function sanitiseMailHtml(html: string, allowRemoteImages: boolean): SanitisedMail {
  let blockedImages = 0;
  const links = new Set<string>();
  const purifier = DOMPurify();
  purifier.addHook('uponSanitizeElement', (node) => {
    if (node.nodeName === 'STYLE' && node.textContent) node.textContent = cleanCss(node.textContent, allowRemoteImages);
  });
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof Element) {
      if (node.tagName === 'IMG') {
        const src = node.getAttribute('src') ?? '';
        if (!LOCAL_IMAGE.test(src) && !(allowRemoteImages && /^https?:/i.test(src))) {
          if (/^https?:|^\/\//i.test(src)) blockedImages++;
          node.removeAttribute('src');
          node.removeAttribute('srcset');
          node.setAttribute('alt', node.getAttribute('alt') ?? '');
        }
      }
      // CSS in attributes can fetch too (background:url(…)): cleaned like style sheets. The
      // frame's CSP would block it anyway; cleaning means nothing even tries.
      const style = node.getAttribute('style');
      if (style && /url\s*\(|@import/i.test(style)) node.setAttribute('style', cleanCss(style, allowRemoteImages));
      if (node.tagName === 'A') {
        const href = node.getAttribute('href') ?? '';
        if (SAFE_LINK.test(href)) links.add(href);
        else node.removeAttribute('href');
        // The frame cannot open anything (no allow-popups, no top navigation): the clerk opens
        // links from the list beside it.
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
  });
  const body = purifier.sanitize(html, {
    FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'svg', 'math', 'audio', 'video', 'source'],
    FORBID_ATTR: ['srcset', 'background', 'poster', 'action', 'formaction', 'ping'],
    ALLOW_DATA_ATTR: false,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|cid:|data:image\/(?:png|gif|jpe?g|webp);)/i,
  });
  const document = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${frameCsp(allowRemoteImages)}"><style>body{font:14px/1.5 system-ui,sans-serif;color:#1a1a1a;margin:8px;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>${body}</body></html>`;
  return { document, blockedImages, links: [...links] };
}

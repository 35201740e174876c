import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `npm run build` puts the screens (renderer/vite.config.ts). */
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

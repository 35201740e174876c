// The platform (renderer/platform/platform.ts) the screens were started with. Tests and the
// development harness hand in their own; the production entry hands in desktop.ts or web.ts.
import { createContext, useContext } from 'react';
import type { Platform } from '../platform/platform';

export const PlatformContext = createContext<Platform | null>(null);

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error('usePlatform outside <PlatformContext.Provider>');
  return platform;
}

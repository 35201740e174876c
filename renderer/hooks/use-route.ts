import { useCallback, useEffect, useState } from 'react';
import { formatRoute, parseRoute, type Route } from '../app/routes';

/** The route in the URL's hash, and a way to go elsewhere (a history entry, so Back works). */
export function useRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const listener = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', listener);
    return () => window.removeEventListener('hashchange', listener);
  }, []);
  const go = useCallback((next: Route, replace = false) => {
    const hash = formatRoute(next);
    if (replace) {
      window.history.replaceState(null, '', hash);
      setRoute(parseRoute(hash));
    } else if (window.location.hash !== hash) {
      window.location.hash = hash;
    }
  }, []);
  return [route, go];
}

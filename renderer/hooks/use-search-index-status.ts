// Whether the service's full-text index has caught up with the replica (`search:status`), while
// the clerk searches: asked when a search runs (a read of three fields in the service, no query),
// then kept current by the service's `search:status` event (behind, caught up, what is left, at
// most every second). Not watched at all while the search box is empty: no cost to the inbox.
import { useEffect, useState } from 'react';
import type { SearchIndexStatusView } from '../../core/app-api';
import { usePlatform } from './use-platform';

export function useSearchIndexStatus(searchText: string): SearchIndexStatusView | undefined {
  const platform = usePlatform();
  const query = searchText.trim();
  const searching = query !== '';
  const [status, setStatus] = useState<SearchIndexStatusView>();

  useEffect(() => {
    if (!searching) return undefined;
    return platform.on('search:status', setStatus);
  }, [platform, searching]);

  useEffect(() => {
    if (!query) return undefined;
    let live = true;
    // With the search's own pause (use-inbox.ts): once per search run, not per keystroke.
    const timer = setTimeout(() => {
      void platform.call('search:status', {}).then((answer) => {
        if (live && answer.ok) setStatus(answer.value);
      });
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [platform, query]);

  return searching ? status : undefined;
}

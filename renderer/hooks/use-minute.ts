import { useEffect, useState } from 'react';

/** The time, moving once a minute: "overdue" and ages change by the minute, and queries that
 * depend on now (overdue counts) are not rebuilt on every render. */
export function useMinute(): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 60_000) * 60_000), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

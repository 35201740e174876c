import { useEffect, useState } from 'react';

/** The time, moving once a minute: "overdue" and ages change by the minute, and queries that
 * depend on now (overdue counts) are not rebuilt on every render. */
export function useMinute(): number {
  const [now, setNow] = useState(currentMinute);
  useEffect(() => {
    const timer = setInterval(() => setNow(currentMinute()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The time, rounded down to the minute. */
export function currentMinute(now = Date.now()): number {
  return Math.floor(now / 60_000) * 60_000;
}

// Live RxDB queries as React state. Every screen reads through these, so every list, count and
// card updates as soon as another clerk's change reaches the replica — and a query whose database
// went away (the service restarted) is simply subscribed again with the new one.
import { useEffect, useState } from 'react';
import { combineLatest, type Observable } from 'rxjs';

export type Live<T> = { value: T; loading: boolean; error?: Error };

/**
 * Subscribes to the observable `make` returns (or nothing when it returns null), again whenever
 * `deps` change. `initial` is the value until the first emission.
 */
export function useObservable<T>(make: () => Observable<T> | null, deps: readonly unknown[], initial: T): Live<T> {
  const [state, setState] = useState<Live<T>>({ value: initial, loading: true });
  useEffect(() => {
    const observable = make();
    if (!observable) {
      setState({ value: initial, loading: false });
      return undefined;
    }
    setState((previous) => ({ value: previous.value, loading: true }));
    const subscription = observable.subscribe({
      next: (value) => setState({ value, loading: false }),
      error: (error: unknown) => setState((previous) => ({ value: previous.value, loading: false, error: error instanceof Error ? error : new Error(String(error)) })),
    });
    return () => subscription.unsubscribe();
    // `make` and `initial` are read fresh on each run; the caller's deps say when to run again.
  }, deps);
  return state;
}

/** Several observables as one list of their latest values (none: an empty list at once). */
export function combine<T>(observables: Observable<T>[]): Observable<T[]> | null {
  return observables.length === 0 ? null : combineLatest(observables);
}

/**
 * Runs tasks one after another. The SQLite engine has one connection: a transaction that awaits
 * between its statements must not let another task's statements run inside it.
 */
export type SerialQueue = <T>(task: () => Promise<T> | T) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T> | T): Promise<T> => {
    const result = tail.then(task);
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}

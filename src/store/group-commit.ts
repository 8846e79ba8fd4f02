/**
 * Group commit: writes submitted while a commit is running (or within the same
 * event-loop turn) share one transaction. No timer: the batch is flushed on the
 * next turn, so a lone request is never delayed and bursts batch naturally.
 */
export interface GroupCommit<T, R> {
  /** Resolves with the write's result once its transaction has committed; rejects if it failed. */
  submit(item: T): Promise<R>;
  /** Resolves when every submitted write has been committed or failed. */
  drain(): Promise<void>;
  /** The error of the last failed commit, until a later commit succeeds. */
  lastFailure(): unknown;
}

const MAX_BATCH = 1000;

/** `mapError` turns a failed commit's error into what every caller of the batch receives. */
export function createGroupCommit<T, R>(commit: (batch: T[]) => R[], mapError: (error: unknown) => unknown = (e) => e): GroupCommit<T, R> {
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  let failure: unknown;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => {};

  const flush = () => {
    while (pending.length) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(batch.length);
      try {
        const results = commit(batch.map((p) => p.item));
        failure = undefined;
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        // The whole transaction rolled back: nothing of this batch is stored, every caller hears so.
        const mapped = mapError(error);
        failure = mapped;
        for (const p of batch) p.reject(mapped);
      }
    }
    scheduled = false;
    markIdle();
  };

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          idle = new Promise((r) => (markIdle = r));
          setImmediate(flush);
        }
      });
    },
    drain: () => (scheduled ? idle : Promise.resolve()),
    lastFailure: () => failure,
  };
}

import { classifyFailure } from "./classify.ts";

export interface PoisonItem<T> {
  readonly item: T;
  readonly error: unknown;
}

export interface IsolationResult<T> {
  readonly written: readonly T[];
  readonly poison: readonly PoisonItem<T>[];
  /** Calls to `write`, for metrics and tests (log2(n) per bad item at most, plus one). */
  readonly attempts: number;
}

/**
 * Writes `items`; when a write fails because of the data, splits the set in halves until every bad item is alone,
 * so the good ones are stored and each bad one is reported with its own error. Infrastructure failures are
 * rethrown at once (the caller retries the whole batch; the writes are idempotent).
 */
export async function isolatePoison<T>(
  items: readonly T[],
  write: (subset: readonly T[]) => Promise<void>,
  isPoisonError: (error: unknown) => boolean = (error) => classifyFailure(error) === "poison",
): Promise<IsolationResult<T>> {
  const written: T[] = [];
  const poison: PoisonItem<T>[] = [];
  let attempts = 0;
  const visit = async (subset: readonly T[]): Promise<void> => {
    if (subset.length === 0) return;
    attempts++;
    try {
      await write(subset);
      written.push(...subset);
      return;
    } catch (error) {
      if (!isPoisonError(error)) throw error;
      if (subset.length === 1) {
        poison.push({ item: subset[0] as T, error });
        return;
      }
    }
    const middle = Math.ceil(subset.length / 2);
    await visit(subset.slice(0, middle));
    await visit(subset.slice(middle));
  };
  await visit(items);
  return { written, poison, attempts };
}

/** Pure: keeps the first occurrence of each key, in input order (at-least-once delivery repeats records). */
export function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const kept: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    kept.push(item);
  }
  return kept;
}

export const dedupeByEventId = <T extends { readonly eventId: string }>(rows: readonly T[]): T[] =>
  dedupeBy(rows, (row) => row.eventId);

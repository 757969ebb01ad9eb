import { isolatePoison } from "./bisect.ts";
import { classifyFailure } from "./classify.ts";
import type { TelemetryStore } from "./ports.ts";
import type { DecodedTelemetry, TelemetryRow } from "./telemetryRow.ts";
import { toTelemetryRow } from "./toRow.ts";

export interface Rejected<R> {
  readonly record: R;
  readonly error: unknown;
}

export interface BatchOutcome<R> {
  readonly inserted: number;
  readonly duplicates: number;
  /** Records that can never be stored: undecodable, off-contract, or refused by the table. */
  readonly poison: readonly Rejected<R>[];
}

export interface BatchDeps {
  decode(value: Buffer | null): Promise<DecodedTelemetry>;
  readonly store: TelemetryStore;
}

/**
 * decode → validate → store (idempotent, atomic per write) → isolate poison by bisection. Throws only for
 * infrastructure failures, after which the caller retries the whole batch (already-stored rows become duplicates).
 */
export async function processBatch<R extends { readonly value: Buffer | null }>(
  records: readonly R[],
  deps: BatchDeps,
): Promise<BatchOutcome<R>> {
  const poison: Rejected<R>[] = [];
  const candidates: { record: R; row: TelemetryRow }[] = [];
  for (const record of records) {
    let decoded: DecodedTelemetry;
    try {
      decoded = await deps.decode(record.value);
    } catch (error) {
      if (classifyFailure(error) !== "poison") throw error;
      poison.push({ record, error });
      continue;
    }
    const mapped = toTelemetryRow(decoded);
    if (mapped.ok) candidates.push({ record, row: mapped.row });
    else poison.push({ record, error: mapped.error });
  }
  let inserted = 0;
  let duplicates = 0;
  const isolated = await isolatePoison(candidates, async (subset) => {
    const result = await deps.store.insertBatch(subset.map((candidate) => candidate.row));
    inserted += result.inserted;
    duplicates += result.duplicates;
  });
  for (const { item, error } of isolated.poison) poison.push({ record: item.record, error });
  return { inserted, duplicates, poison };
}

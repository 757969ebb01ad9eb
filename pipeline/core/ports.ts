import type { TelemetryRow } from "./telemetryRow.ts";

export interface InsertResult {
  /** Rows that were new. */
  readonly inserted: number;
  /** Rows given that were already stored or repeated within the batch. */
  readonly duplicates: number;
}

/** Storage port: one call is one atomic, idempotent write (rows, rollups and latest state together). */
export interface TelemetryStore {
  insertBatch(rows: readonly TelemetryRow[]): Promise<InsertResult>;
}

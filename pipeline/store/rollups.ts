import type pg from "pg";
import { REFRESH_HOURS_SQL, REFRESH_MINUTES_SQL } from "./rollupSql.ts";

/** Serialises refreshes across instances, so a later claim is always computed from a later snapshot. */
const ROLLUP_LOCK_KEY = 0x5f1e_e9;

export interface RollupRefresh {
  /** (vin, minute) buckets rewritten. */
  readonly minutes: number;
  /** (vin, hour) buckets rewritten. */
  readonly hours: number;
}

/**
 * Brings `telemetry_rollup_1m` / `_1h` up to date with every batch committed before the call: recomputes the
 * buckets pending batches touched, in one transaction (a failure leaves the keys pending for the next run).
 */
export async function refreshRollups(pool: pg.Pool): Promise<RollupRefresh> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Taken before the refresh statement so its snapshot sees every earlier refresh's commit.
    await client.query("SELECT pg_advisory_xact_lock($1)", [ROLLUP_LOCK_KEY]);
    const claimed = await client.query<{ vins: string[]; hours: Date[]; minutes: number }>(REFRESH_MINUTES_SQL);
    const keys = claimed.rows[0] ?? { vins: [], hours: [], minutes: 0 };
    if (keys.vins.length > 0) await client.query(REFRESH_HOURS_SQL, [keys.vins, keys.hours]);
    await client.query("COMMIT");
    return { minutes: keys.minutes, hours: keys.vins.length };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

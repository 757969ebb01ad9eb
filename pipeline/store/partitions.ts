import type pg from "pg";
import type { Logger } from "../../platform/log.ts";
import { DAY_MS, planMaintenance, type DailyPartition, type MaintenancePlan } from "./partitionPlan.ts";

/** Serialises partition DDL between pipeline instances (CREATE … IF NOT EXISTS alone races on the catalog). */
const PARTITION_LOCK_KEY = 0x5f1e_e8;

const iso = (epochMs: number) => new Date(epochMs).toISOString();

export async function listPartitions(client: pg.Pool | pg.ClientBase, parent = "telemetry"): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [parent],
  );
  return result.rows.map((row) => row.name);
}

async function inLockedTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [PARTITION_LOCK_KEY]);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function createPartitions(
  client: pg.ClientBase,
  partitions: readonly DailyPartition[],
  parent: string,
): Promise<void> {
  for (const partition of partitions) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partition.name} PARTITION OF ${parent} FOR VALUES FROM ('${iso(partition.from)}') TO ('${iso(partition.to)}')`,
    );
  }
}

/** Creates the given daily partitions if absent (used when a batch hits a day nobody created yet). */
export async function ensurePartitions(
  pool: pg.Pool,
  partitions: readonly DailyPartition[],
  parent = "telemetry",
): Promise<void> {
  if (partitions.length === 0) return;
  await inLockedTransaction(pool, (client) => createPartitions(client, partitions, parent));
}

/**
 * The maintenance job: partitions for yesterday…today+premakeDays exist afterwards, partitions wholly older than
 * the retention window are dropped, and minute rollups past retention are deleted.
 */
export async function maintainPartitions(
  pool: pg.Pool,
  logger: Logger,
  options: { now: number; premakeDays: number; retentionDays: number; parent?: string },
): Promise<MaintenancePlan> {
  const parent = options.parent ?? "telemetry";
  const plan = await inLockedTransaction(pool, async (client) => {
    const planned = planMaintenance({ ...options, parent, existing: await listPartitions(client, parent) });
    await createPartitions(client, planned.create, parent);
    for (const name of planned.drop) {
      await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${name}`);
      await client.query(`DROP TABLE ${name}`);
    }
    await client.query("DELETE FROM telemetry_rollup_1m WHERE bucket < $1", [
      iso(options.now - options.retentionDays * DAY_MS),
    ]);
    return planned;
  });
  if (plan.create.length > 0 || plan.drop.length > 0) {
    logger.info({ created: plan.create.map((p) => p.name), dropped: plan.drop }, "telemetry partitions maintained");
  }
  return plan;
}

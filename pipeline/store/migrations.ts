import type pg from "pg";
import type { Logger } from "../../platform/log.ts";
import { CREATE_ROLLUP_PENDING } from "./rollupSql.ts";
import { CREATE_PARTITIONED_TELEMETRY, CREATE_PLAIN_TELEMETRY, CREATE_SHARED_TABLES } from "./schemaSql.ts";
import { applyTimescaleFeatures, timescaleAvailable } from "./timescale.ts";

export type StorageMode = "timescaledb" | "partitioned";

export interface MigrationContext {
  readonly logger: Logger;
  readonly retentionDays: number;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(client: pg.ClientBase, context: MigrationContext): Promise<void>;
}

/** Ordered, append-only: never edit a released migration, add a new one. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "telemetry storage, latest state, rollups",
    async up(client, { logger, retentionDays }) {
      let mode: StorageMode = "partitioned";
      if (await timescaleAvailable(client)) {
        await client.query(CREATE_PLAIN_TELEMETRY);
        const applied = await applyTimescaleFeatures(client, logger, retentionDays);
        if (applied.includes("hypertable")) mode = "timescaledb";
        else await client.query("DROP TABLE telemetry");
      } else {
        logger.info(
          { code: "PIPE_TIMESCALE_ABSENT" },
          "timescaledb not available: using plain PostgreSQL daily partitions",
        );
      }
      if (mode === "partitioned") await client.query(CREATE_PARTITIONED_TELEMETRY);
      await client.query(CREATE_SHARED_TABLES);
      await client.query("INSERT INTO pipeline_storage_settings (key, value) VALUES ('storage_mode', $1)", [mode]);
    },
  },
  {
    version: 2,
    name: "rollups recomputed off the hot path from pending (vin, minute) keys",
    async up(client) {
      await client.query(CREATE_ROLLUP_PENDING);
    },
  },
];

/** Arbitrary constant shared by every pipeline instance: serialises concurrent start-ups. */
const MIGRATION_LOCK_KEY = 0x5f1e_e7;

/**
 * Applies pending migrations in one transaction under an advisory lock, recording each in
 * `pipeline_schema_migrations`; running it again (or from two instances at once) changes nothing.
 */
export async function runMigrations(
  pool: pg.Pool,
  logger: Logger,
  options: { retentionDays?: number; list?: readonly Migration[] } = {},
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS pipeline_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await client.query<{ version: number }>("SELECT version FROM pipeline_schema_migrations");
    const applied = new Set(done.rows.map((row) => row.version));
    const ran: number[] = [];
    for (const migration of [...(options.list ?? migrations)].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await migration.up(client, { logger, retentionDays: options.retentionDays ?? 30 });
      await client.query("INSERT INTO pipeline_schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      ran.push(migration.version);
      logger.info({ version: migration.version, name: migration.name }, "migration applied");
    }
    await client.query("COMMIT");
    return ran;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function storageMode(pool: pg.Pool): Promise<StorageMode> {
  const result = await pool.query<{ value: string }>(
    "SELECT value FROM pipeline_storage_settings WHERE key = 'storage_mode'",
  );
  return result.rows[0]?.value === "timescaledb" ? "timescaledb" : "partitioned";
}

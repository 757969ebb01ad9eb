import pg from "pg";
import { FleetlineError } from "../platform/errors.ts";

/** Creates the project database on the server named by `databaseUrl` when it is missing. */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const target = new URL(databaseUrl);
  const database = decodeURIComponent(target.pathname.replace(/^\//, "")) || "fleetline";
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new FleetlineError(
      "STACK_POSTGRES_UNREACHABLE",
      `cannot reach PostgreSQL at ${target.host} (${error instanceof Error ? error.message : String(error)}).\n` +
        "  Start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL=postgres://user:pass@host:5432/fleetline",
      { cause: error },
    );
  }
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount) return { created: false };
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    return { created: true };
  } finally {
    await client.end();
  }
}

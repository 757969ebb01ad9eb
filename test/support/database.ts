import pg from "pg";

/** The server the tests use: DATABASE_URL's server (its database name is replaced per test file). */
export const baseDatabaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fleetline";

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Each test file gets its own fresh database, dropped afterwards (STYLE rule 8). */
export async function createTestDatabase(prefix = "t"): Promise<TestDatabase> {
  const name = `fl_${prefix.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: withDatabase(baseDatabaseUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(baseDatabaseUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: withDatabase(baseDatabaseUrl, "postgres") });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

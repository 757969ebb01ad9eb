import pg from "pg";
import { commonConfigSchema, loadConfigOrExit } from "../../platform/config.ts";
import { describeError } from "../../platform/errors.ts";
import { runFleetCommand } from "./commands.ts";
import { postgresFleetStore } from "./store.ts";

// `npm run fleet -- provision|revoke|list`: manage per-vehicle MQTT credentials.
const config = loadConfigOrExit(commonConfigSchema.pick({ DATABASE_URL: true }));
const argv = process.argv.slice(2);
const needsDatabase = argv.length > 0 && !argv.includes("--help") && !argv.includes("-h") && argv[0] !== "help";
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
try {
  const store = postgresFleetStore(pool);
  if (needsDatabase) await store.ensureSchema();
  process.exitCode = await runFleetCommand(argv, { store, print: (line) => process.stdout.write(`${line}\n`) });
} catch (error) {
  const { code, message } = describeError(error);
  process.stderr.write(`${code}: ${message}\n`);
  process.exitCode = code === "FLEET_USAGE" ? 64 : 1;
} finally {
  await pool.end();
}

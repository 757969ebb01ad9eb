import cliProgress from "cli-progress";
import pg from "pg";
import { describeError } from "../../platform/errors.ts";
import { createKafkaClient } from "../../platform/kafka/client.ts";
import { createLogger } from "../../platform/log.ts";
import { retryPolicies } from "../../platform/retry.ts";
import { telemetryV2 } from "../../schemas/catalog.ts";
import { createSerde } from "../../schemas/serde.ts";
import { loadPipelineConfigOrExit } from "../config.ts";
import type { DecodedTelemetry } from "../core/telemetryRow.ts";
import { runMigrations, storageMode } from "../store/migrations.ts";
import { createPostgresTelemetryStore } from "../store/postgresTelemetryStore.ts";
import { refreshRollups } from "../store/rollups.ts";
import { parseReplayArgs } from "./replayArgs.ts";
import { runReplay } from "./replayRun.ts";

// npm run replay -- --from <ISO time> [--to <ISO time>] [--vin VIN]
const config = loadPipelineConfigOrExit();
const logger = createLogger("pipeline-replay", config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
let args;
try {
  args = parseReplayArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `${describeError(error).message}\nusage: npm run replay -- --from <ISO time> [--to <ISO time>] [--vin VIN]\n`,
  );
  process.exit(64);
}
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2, application_name: "fleetline-replay" });
pool.on("error", (error) => logger.warn({ err: error }, "idle database connection lost"));
const bar = new cliProgress.SingleBar(
  {
    format:
      "replay [{bar}] {percentage}% | {value}/{total} records | inserted {inserted} | already present {present} | eta {eta}s",
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
);
try {
  await runMigrations(pool, logger, { retentionDays: config.TELEMETRY_RETENTION_DAYS });
  const store = createPostgresTelemetryStore(pool, logger, {
    partitioned: (await storageMode(pool)) === "partitioned",
  });
  const serde = createSerde({ registryUrl: config.SCHEMA_REGISTRY_URL, retry: retryPolicies.registryCall });
  const summary = await runReplay(args, {
    kafka: createKafkaClient({
      brokers: config.KAFKA_BROKERS,
      clientId: "fleetline-replay",
      kind: config.KAFKA_CLIENT,
    }),
    topic: config.PIPELINE_TOPIC,
    groupId: `fleetline-replay-${new Date().toISOString().replace(/[:.]/g, "-")}`,
    store,
    decode: (value) => serde.decode<DecodedTelemetry>(value, telemetryV2),
    logger,
    maxBatchSize: config.PIPELINE_BATCH_SIZE,
    progress: {
      start: (total) => bar.start(total, 0, { inserted: 0, present: 0 }),
      increment: (by, s) => bar.increment(by, { inserted: s.inserted, present: s.alreadyPresent }),
      stop: () => bar.stop(),
    },
  });
  // Rollups follow the replayed rows now, not only at a running pipeline's next refresh.
  await refreshRollups(pool);
  process.stdout.write(
    `replayed ${summary.read} records: ${summary.inserted} rows inserted, ${summary.alreadyPresent} already present, ` +
      `${summary.poison} unstorable (see the DLQ), ${summary.filteredOut} other vehicles skipped\n`,
  );
} catch (error) {
  logger.error({ ...describeError(error), err: error }, "replay failed");
  process.exitCode = 1;
} finally {
  await pool.end();
}

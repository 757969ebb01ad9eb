import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadPipelineConfig } from "../pipeline/config.ts";
import type { DecodedTelemetry, TelemetryRow } from "../pipeline/core/telemetryRow.ts";
import { toTelemetryRow } from "../pipeline/core/toRow.ts";
import { runMigrations } from "../pipeline/store/migrations.ts";
import { ensurePartitions } from "../pipeline/store/partitions.ts";
import { partitionsForTimes } from "../pipeline/store/partitionPlan.ts";
import { createPostgresTelemetryStore } from "../pipeline/store/postgresTelemetryStore.ts";
import { numberArrayLiteral, textArrayLiteral } from "../pipeline/store/pgArray.ts";
import { startPipeline } from "../pipeline/service.ts";
import { createKafkaClient } from "../platform/kafka/client.ts";
import { createLogger } from "../platform/log.ts";
import { metricsRegistry } from "../platform/metrics.ts";
import { telemetryV2, valueSubject } from "../schemas/catalog.ts";
import { startRegistry } from "../schemas/registry/server.ts";
import { createSerde } from "../schemas/serde.ts";
import { brokerList, readClusterState } from "../stack/kafkaCluster.ts";
import { stackRoot } from "../stack/paths.ts";
import { printTable, writeBenchResult } from "./support.ts";

const usage = `Usage: npm run bench:pipeline [-- --records 500000] [--vins 10000] [--batch 5000] [--partitions 6]

Rows/s from a pre-filled topic into PostgreSQL through the pipeline (Confluent and kafkajs adapters), against a raw
COPY of the same rows into the same table layout and the store alone (no Kafka, no decode), in the same run.
Brokers: KAFKA_BROKERS or the running local stack; PostgreSQL: DATABASE_URL's server. Writes bench-results/pipeline.json.`;

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "500000" },
    vins: { type: "string", default: "10000" },
    batch: { type: "string", default: "5000" },
    partitions: { type: "string", default: "6" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const total = Number(values.records);
const vinCount = Number(values.vins);
const batchSize = Number(values.batch);
const topicPartitions = Number(values.partitions);
const brokers = process.env.KAFKA_BROKERS?.split(",") ?? brokersFromStack();
const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fleetline";
const logger = createLogger("bench-pipeline", "warn");

function brokersFromStack(): string[] {
  const state = readClusterState(process.env.STACK_DIR ?? path.join(stackRoot, "kafka"));
  if (!state) throw new Error("no running stack: run npm run stack:up or set KAFKA_BROKERS");
  return brokerList(state);
}
const withDatabase = (url: string, database: string) =>
  Object.assign(new URL(url), { pathname: `/${database}` }).toString();

const vin = (index: number) => `BNCH${String(index).padStart(13, "0")}`;
const uuid = (index: number) => `b0000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
function record(index: number, start: number): DecodedTelemetry {
  const vehicle = index % vinCount;
  const step = Math.floor(index / vinCount);
  return {
    event_id: uuid(index),
    vin: vin(vehicle),
    event_time: start + step * 1_000 + (vehicle % 1_000),
    seq: step,
    received_at: start + step * 1_000 + 300,
    latitude: 48 + (vehicle % 1_000) / 10_000,
    longitude: 11 + (step % 1_000) / 10_000,
    speed_kph: (index * 7) % 160,
    heading_deg: (index * 13) % 360,
    odometer_km: 10_000 + step / 10,
    battery_soc_pct: 95 - (step % 80),
    ambient_temp_c: 14.5,
    battery_temp_c: 27,
    tyre_pressure_kpa: [230, 231, 229, 230],
    fault_codes: index % 50 === 0 ? ["P0420"] : [],
  };
}

const csvCell = (value: string | number | null): string => {
  if (value === null) return "";
  const text = String(value);
  return /[",\n\\{}]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
function toCsvLine(row: TelemetryRow): string {
  return [
    row.vin,
    new Date(row.eventTime).toISOString(),
    row.eventId,
    row.seq,
    new Date(row.receivedAt).toISOString(),
    row.latitude,
    row.longitude,
    row.speedKph,
    row.headingDeg,
    row.odometerKm,
    row.batterySocPct,
    row.ambientTempC,
    row.batteryTempC,
    numberArrayLiteral(row.tyrePressureKpa),
    textArrayLiteral(row.faultCodes),
  ]
    .map(csvCell)
    .join(",");
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("bench timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Figure {
  path: string;
  mean_batch: number | string;
  rows: number;
  seconds: number;
  rows_per_s: number;
  vs_copy: string;
}

/** Records per consumed batch so far, from the pipeline's own histogram. */
async function batchStats(): Promise<{ sum: number; count: number }> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find(
    (entry) => entry.name === "fleetline_pipeline_batch_size",
  );
  const value = (suffix: string) =>
    metric?.values.find(
      (entry) => (entry as { metricName?: string }).metricName === `fleetline_pipeline_batch_size_${suffix}`,
    )?.value ?? 0;
  return { sum: value("sum"), count: value("count") };
}

const databaseName = `fleetline_bench_pipeline_${process.pid}`;
const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
await admin.connect();
await admin.query(`CREATE DATABASE ${databaseName}`);
const databaseUrl = withDatabase(serverUrl, databaseName);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
pool.on("error", () => undefined); // the final DROP DATABASE … WITH (FORCE) may end idle connections
const registry = await startRegistry({ databaseUrl, port: 0 });
const work = mkdtempSync(path.join(tmpdir(), "bench-pipeline-"));
const kafka = createKafkaClient({ brokers, clientId: "bench-pipeline" });
const kafkaAdmin = await kafka.admin();
const topic = `bench.pipeline.${process.pid}.${Date.now()}`;
const figures: Figure[] = [];
try {
  await runMigrations(pool, logger);
  const start = Date.now() - 3_600_000;
  const records = Array.from({ length: total }, (_, index) => record(index, start));
  const rows = records.map((entry) => {
    const mapped = toTelemetryRow(entry);
    if (!mapped.ok) throw mapped.error;
    return mapped.row;
  });
  await ensurePartitions(pool, partitionsForTimes(rows.map((row) => row.eventTime)));
  const truncate = () => pool.query("TRUNCATE telemetry, vehicle_latest, telemetry_rollup_1m, telemetry_rollup_1h");
  const count = async () =>
    (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM telemetry")).rows[0]?.n ?? 0;

  // Pre-fill the topic (not measured).
  console.log(`pre-filling ${topic} with ${total} records (${vinCount} VINs, ${topicPartitions} partitions)…`);
  await kafkaAdmin.createTopics([
    { name: topic, partitions: topicPartitions, replicationFactor: 3, configs: { "min.insync.replicas": "2" } },
  ]);
  const serde = createSerde({ registryUrl: registry.url });
  const schemaId = await serde.register(valueSubject(topic), telemetryV2);
  const producer = await kafka.producer({ lingerMs: 20 });
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i += 10_000) {
    sends.push(
      producer.send(
        topic,
        records.slice(i, i + 10_000).map((entry) => ({ key: entry.vin, value: serde.encodeWithId(schemaId, entry) })),
      ),
    );
    if (sends.length >= 8) await sends.shift();
  }
  await Promise.all(sends);
  await producer.disconnect();

  // Baseline: raw COPY (psql \copy, CSV) of the same rows into the same table.
  const csv = path.join(work, "rows.csv");
  writeFileSync(csv, `${rows.map(toCsvLine).join("\n")}\n`);
  await truncate();
  const copyStarted = performance.now();
  const copy = spawnSync(
    "psql",
    [
      databaseUrl,
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      `\\copy telemetry (vin, event_time, event_id, seq, received_at, latitude, longitude, speed_kph, heading_deg, odometer_km, battery_soc_pct, ambient_temp_c, battery_temp_c, tyre_pressure_kpa, fault_codes) FROM '${csv}' WITH (FORMAT csv)`,
    ],
    { encoding: "utf8" },
  );
  const copySeconds = (performance.now() - copyStarted) / 1000;
  if (copy.status !== 0) throw new Error(`COPY failed: ${copy.stderr}`);
  if ((await count()) !== total) throw new Error("COPY stored a different number of rows");
  const copyRate = total / copySeconds;
  const figure = (name: string, seconds: number, meanBatch: number | string = "-"): Figure => ({
    path: name,
    mean_batch: meanBatch,
    rows: total,
    seconds: Number(seconds.toFixed(2)),
    rows_per_s: Math.round(total / seconds),
    vs_copy: `${((total / seconds / copyRate) * 100).toFixed(0)}%`,
  });
  figures.push(figure("raw COPY (telemetry only)", copySeconds));

  // The store alone: unnest insert + rollups + latest state, no Kafka, no decode; 3 writers with disjoint vehicles,
  // as the pipeline's 3 concurrent partitions have (a VIN lives in one partition).
  await truncate();
  const store = createPostgresTelemetryStore(pool, logger);
  const storeStarted = performance.now();
  await Promise.all(
    Array.from({ length: 3 }, async (_, writer) => {
      const mine = rows.filter((row) => Number(row.vin.slice(4)) % 3 === writer);
      for (let i = 0; i < mine.length; i += batchSize) await store.insertBatch(mine.slice(i, i + batchSize));
    }),
  );
  figures.push(figure("store only (insert+rollups+latest)", (performance.now() - storeStarted) / 1000));

  for (const kind of ["confluent", "kafkajs"] as const) {
    await truncate();
    const config = loadPipelineConfig({
      KAFKA_BROKERS: brokers.join(","),
      KAFKA_CLIENT: kind,
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      PIPELINE_TOPIC: topic,
      PIPELINE_DLQ_TOPIC: `${topic}.dlq`,
      PIPELINE_GROUP_ID: `bench-${kind}-${Date.now()}`,
      PIPELINE_BATCH_SIZE: String(batchSize),
      PIPELINE_PARTITION_CONCURRENCY: "3",
      METRICS_PORT: "0",
    });
    console.log(`pipeline with the ${kind} adapter…`);
    const batchesBefore = await batchStats();
    const started = performance.now();
    const pipeline = await startPipeline(config, { logger, serde: createSerde({ registryUrl: registry.url }) });
    let firstRowAt = 0;
    await until(async () => {
      const n = await count();
      if (n > 0 && firstRowAt === 0) firstRowAt = performance.now();
      return n >= total;
    }, 900_000);
    const ended = performance.now();
    await pipeline.stop();
    const batchesAfter = await batchStats();
    const meanBatch = Math.round(
      (batchesAfter.sum - batchesBefore.sum) / Math.max(1, batchesAfter.count - batchesBefore.count),
    );
    figures.push(figure(`pipeline ${kind} (end to end, incl. group join)`, (ended - started) / 1000, meanBatch));
    figures.push(figure(`pipeline ${kind} (first row → last row)`, (ended - firstRowAt) / 1000, meanBatch));
  }
  printTable(figures.map((entry) => ({ ...entry })));
  const file = writeBenchResult("pipeline", {
    records: total,
    vins: vinCount,
    batchSize,
    topicPartitions,
    partitionConcurrency: 3,
    at: new Date().toISOString(),
    figures,
  });
  console.log(`\nwritten to ${file}`);
} finally {
  await kafkaAdmin.disconnect();
  await registry.close();
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
  rmSync(work, { recursive: true, force: true });
}

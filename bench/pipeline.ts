import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
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
import { refreshRollups } from "../pipeline/store/rollups.ts";
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

const usage = `Usage: npm run bench:pipeline [-- --records 500000] [--vins 10000] [--batch 5000] [--partitions 6] [--concurrency 3] [--wait 100]
       [--only store,confluent,kafkajs]

Rows/s from a pre-filled topic into PostgreSQL through the pipeline (Confluent and kafkajs adapters), against a raw
COPY of the same rows into the same table layout and the store alone (no Kafka, no decode), in the same run.
Brokers: KAFKA_BROKERS or the running local stack; PostgreSQL: DATABASE_URL's server. Writes bench-results/pipeline.json.`;

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "500000" },
    vins: { type: "string", default: "10000" },
    batch: { type: "string", default: "5000" },
    partitions: { type: "string", default: "6" },
    concurrency: { type: "string", default: "3" },
    wait: { type: "string", default: "100" },
    only: { type: "string", default: "store,confluent,kafkajs" },
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
const waitMs = Number(values.wait);
const concurrency = Number(values.concurrency);
const phases = new Set(values.only.split(","));
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
  /** Share of the machine's 100% (all cores) used during the phase, from /proc. */
  cpu_node: string;
  cpu_postgres: string;
  cpu_kafka: string;
  cpu_other: string;
  cpu_idle: string;
}

/**
 * CPU ticks so far: this process, each PostgreSQL backend serving the bench database and each java (broker) process
 * by pid, and the whole machine. Other engineers' PostgreSQL work on the shared server counts as "other".
 */
interface CpuSample {
  node: number;
  processes: Map<string, { kind: "postgres" | "kafka"; ticks: number }>;
  busy: number;
  idle: number;
}
/** utime + stime of one process, from /proc/<pid>/stat. */
const ticksOf = (stat: string): number => {
  const fields = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return (fields[11] ?? 0) + (fields[12] ?? 0);
};
async function cpuSample(): Promise<CpuSample> {
  const processes: CpuSample["processes"] = new Map();
  const ours = new Set(
    (await pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).rows.map(
      (row) => String(row.pid),
    ),
  );
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // pid + start time: a restarted broker (other engineers' failure tests) is a new process, not negative time
      const key = `${pid}:${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? ""}`;
      if (ours.has(pid)) processes.set(key, { kind: "postgres", ticks: ticksOf(stat) });
      else if (stat.includes("(java)")) processes.set(key, { kind: "kafka", ticks: ticksOf(stat) });
    } catch {
      // the process ended between readdir and read
    }
  }
  const total = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").split(/\s+/).slice(1, 9).map(Number);
  const idle = (total[3] ?? 0) + (total[4] ?? 0);
  const busy = total.reduce((sum, value) => sum + value, 0) - idle;
  return { node: ticksOf(readFileSync("/proc/self/stat", "utf8")), processes, busy, idle };
}
function cpuShares(from: CpuSample, to: CpuSample) {
  const all = to.busy + to.idle - from.busy - from.idle || 1;
  const share = (ticks: number) => `${((ticks / all) * 100).toFixed(0)}%`;
  const node = to.node - from.node;
  const used = { postgres: 0, kafka: 0 };
  for (const [key, now] of to.processes)
    used[now.kind] += Math.max(0, now.ticks - (from.processes.get(key)?.ticks ?? 0));
  return {
    cpu_node: share(node),
    cpu_postgres: share(used.postgres),
    cpu_kafka: share(used.kafka),
    cpu_other: share(Math.max(0, to.busy - from.busy - node - used.postgres - used.kafka)),
    cpu_idle: share(to.idle - from.idle),
  };
}

/** Rows the pipeline has committed so far (its own counter). */
async function rowsInserted(): Promise<number> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find(
    (entry) => entry.name === "fleetline_pipeline_rows_inserted_total",
  );
  return metric?.values[0]?.value ?? 0;
}

/** Records per consumed batch so far, from the pipeline's own histogram. */
async function histogramStats(name: string): Promise<{ sum: number; count: number }> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((entry) => entry.name === name);
  const value = (suffix: string) =>
    metric?.values.find((entry) => (entry as { metricName?: string }).metricName === `${name}_${suffix}`)?.value ?? 0;
  return { sum: value("sum"), count: value("count") };
}
const batchStats = () => histogramStats("fleetline_pipeline_batch_size");
/** Seconds spent in batch handlers (receive → offsets committed). */
const batchTime = () => histogramStats("fleetline_pipeline_batch_duration_seconds");

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
const handlerUse: { kind: string; mean_batch_ms: number; worker_busy: number }[] = [];
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
  const truncate = () =>
    pool.query(
      "TRUNCATE telemetry, vehicle_latest, telemetry_rollup_1m, telemetry_rollup_1h, telemetry_rollup_pending",
    );
  const count = async () =>
    (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM telemetry")).rows[0]?.n ?? 0;

  // Pre-fill the topic (not measured).
  if (phases.has("confluent") || phases.has("kafkajs")) {
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
  }

  // Baseline: raw COPY (psql \copy, CSV) of the same rows into the same table. Its backend ends with psql, so its
  // CPU shows under "other".
  const csv = path.join(work, "rows.csv");
  writeFileSync(csv, `${rows.map(toCsvLine).join("\n")}\n`);
  await truncate();
  const copyCpu = await cpuSample();
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
  const figure = (
    name: string,
    seconds: number,
    cpu: { from: CpuSample; to: CpuSample },
    meanBatch: number | string = "-",
  ): Figure => ({
    path: name,
    mean_batch: meanBatch,
    rows: total,
    seconds: Number(seconds.toFixed(2)),
    rows_per_s: Math.round(total / seconds),
    vs_copy: `${((total / seconds / copyRate) * 100).toFixed(0)}%`,
    ...cpuShares(cpu.from, cpu.to),
  });
  figures.push(figure("raw COPY (telemetry only)", copySeconds, { from: copyCpu, to: await cpuSample() }));

  // The store alone: unnest insert + pending rollup keys + latest state, no Kafka, no decode; 3 writers with
  // disjoint vehicles, as the pipeline's 3 concurrent partitions have (a VIN lives in one partition).
  if (phases.has("store")) {
    await truncate();
    const store = createPostgresTelemetryStore(pool, logger);
    const storeCpu = await cpuSample();
    const storeStarted = performance.now();
    await Promise.all(
      Array.from({ length: 3 }, async (_, writer) => {
        const mine = rows.filter((row) => Number(row.vin.slice(4)) % 3 === writer);
        for (let i = 0; i < mine.length; i += batchSize) await store.insertBatch(mine.slice(i, i + batchSize));
      }),
    );
    const stored = performance.now();
    const storedCpu = await cpuSample();
    figures.push(
      figure("store only (insert+latest, rollup keys)", (stored - storeStarted) / 1000, {
        from: storeCpu,
        to: storedCpu,
      }),
    );
    await refreshRollups(pool);
    figures.push(
      figure("store only + one rollup refresh at the end", (performance.now() - storeStarted) / 1000, {
        from: storeCpu,
        to: await cpuSample(),
      }),
    );
  }

  for (const kind of ["confluent", "kafkajs"] as const) {
    if (!phases.has(kind)) continue;
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
      PIPELINE_BATCH_WAIT_MS: String(waitMs),
      PIPELINE_PARTITION_CONCURRENCY: String(concurrency),
      METRICS_PORT: "0",
    });
    console.log(`pipeline with the ${kind} adapter…`);
    const batchesBefore = await batchStats();
    const timeBefore = await batchTime();
    const insertedBefore = await rowsInserted();
    const startCpu = await cpuSample();
    const started = performance.now();
    const pipeline = await startPipeline(config, { logger, serde: createSerde({ registryUrl: registry.url }) });
    let firstRowAt = 0;
    let firstRowCpu = startCpu;
    // Polls the pipeline's own counter (incremented after each commit), not count(*), which would load PostgreSQL.
    await until(async () => {
      const n = (await rowsInserted()) - insertedBefore;
      if (n > 0 && firstRowAt === 0) {
        firstRowAt = performance.now();
        firstRowCpu = await cpuSample();
      }
      return n >= total;
    }, 900_000);
    const ended = performance.now();
    const endCpu = await cpuSample();
    await pipeline.refreshRollups();
    const fresh = performance.now();
    const freshCpu = await cpuSample();
    await pipeline.stop();
    if ((await count()) !== total) throw new Error(`${kind}: stored a different number of rows`);
    const batchesAfter = await batchStats();
    const timeAfter = await batchTime();
    const batchSeconds = timeAfter.sum - timeBefore.sum;
    const batches = Math.max(1, batchesAfter.count - batchesBefore.count);
    handlerUse.push({
      kind,
      mean_batch_ms: Math.round((batchSeconds / batches) * 1000),
      // Share of the first-row → last-row time the partition workers spent inside the handler (1 = never waiting
      // for Kafka): low means the consumer starves the store, high means the store (PostgreSQL) is the limit.
      worker_busy: Number((batchSeconds / (((ended - firstRowAt) / 1000) * concurrency)).toFixed(2)),
    });
    const meanBatch = Math.round(
      (batchesAfter.sum - batchesBefore.sum) / Math.max(1, batchesAfter.count - batchesBefore.count),
    );
    figures.push(
      figure(
        `pipeline ${kind} (end to end, incl. group join)`,
        (ended - started) / 1000,
        { from: startCpu, to: endCpu },
        meanBatch,
      ),
    );
    figures.push(
      figure(
        `pipeline ${kind} (first row → last row)`,
        (ended - firstRowAt) / 1000,
        { from: firstRowCpu, to: endCpu },
        meanBatch,
      ),
    );
    figures.push(
      figure(
        `pipeline ${kind} (first row → rollups fresh)`,
        (fresh - firstRowAt) / 1000,
        { from: firstRowCpu, to: freshCpu },
        meanBatch,
      ),
    );
  }
  printTable(figures.map((entry) => ({ ...entry })));
  if (handlerUse.length > 0) {
    console.log("");
    printTable(handlerUse.map((entry) => ({ ...entry })));
  }
  const file = writeBenchResult("pipeline", {
    records: total,
    vins: vinCount,
    batchSize,
    topicPartitions,
    partitionConcurrency: concurrency,
    batchWaitMs: waitMs,
    cpuCores: availableParallelism(),
    at: new Date().toISOString(),
    figures,
    handlerUse,
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

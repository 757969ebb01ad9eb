import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { commonConfigSchema, loadConfigOrExit } from "../platform/config.ts";
import { describeError } from "../platform/errors.ts";
import { createKafkaClient } from "../platform/kafka/client.ts";
import { loadCredentials } from "../simulators/mqtt/credentials.ts";
import { auditAfterCatchUp } from "../simulators/loadtest/audit.ts";
import { runStep } from "../simulators/loadtest/runStep.ts";
import { startLocalFleet, type LocalFleet } from "./localFleet.ts";
import { stackRoot } from "./paths.ts";

const usage = `Usage: npm run demo [-- --vehicles N] [--duration S] [--rate R] [--keep]

Starts the local stack if it is not running (3 Kafka brokers), the schema registry, the pipeline and the
gateway; provisions a fleet; drives it over MQTT with connectivity loss, duplicate sends, reordering and a few
malformed payloads; then shows what was ingested, stored, absorbed and dead-lettered, and the loss audit.

  --vehicles N   simulated vehicles, each its own MQTT connection      (default 200)
  --duration S   seconds of driving                                     (default 60)
  --rate R       messages per second across the fleet                   (default: 1 per vehicle)
  --keep         leave registry, gateway, pipeline and Kafka running and print how to stop them
Ctrl-C stops everything the demo started.`;

const { values } = parseArgs({
  options: {
    vehicles: { type: "string", default: "200" },
    duration: { type: "string", default: "60" },
    rate: { type: "string" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

const dlqTopic = "vehicle.telemetry.dlq";

async function dlqEnd(brokers: readonly string[]): Promise<bigint> {
  const admin = await createKafkaClient({ brokers, clientId: "fleetline-demo" }).admin();
  try {
    return (await admin.watermarks(dlqTopic)).reduce((total, entry) => total + BigInt(entry.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<number> {
  if (values.help) return (console.log(usage), 0);
  const vehicles = Number(values.vehicles);
  const durationS = Number(values.duration);
  const rate = values.rate === undefined ? vehicles : Number(values.rate);
  if (!Number.isInteger(vehicles) || vehicles < 1 || vehicles > 5_000) return (console.error(`--vehicles: expected 1..5000, got ${values.vehicles}\n\n${usage}`), 2);
  if (!(durationS > 0 && durationS <= 3_600)) return (console.error(`--duration: expected seconds 1..3600, got ${values.duration}`), 2);
  if (!(rate > 0)) return (console.error(`--rate: expected messages per second > 0, got ${values.rate}`), 2);
  const config = loadConfigOrExit(commonConfigSchema);

  let fleet: LocalFleet | undefined;
  let stopping = false;
  process.on("SIGINT", () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping what the demo started…");
    void (fleet?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });

  const started = Date.now();
  fleet = await startLocalFleet({ vehicles, databaseUrl: config.DATABASE_URL, log: (line) => console.log(line) });
  try {
    const dlqBefore = await dlqEnd(fleet.brokers);
    const credentials = await loadCredentials(fleet.credentialsFile);
    console.log(`\ndriving ${vehicles} vehicles at ${rate} msg/s for ${durationS} s (5% connectivity loss, 2% duplicates, 2% reordered, 0.5% malformed)…`);
    const step = await runStep({
      label: "demo",
      mqttUrl: fleet.mqttUrl,
      vehicles,
      rate,
      durationS,
      seed: randomBytes(6).toString("hex"),
      storeRoot: path.join(stackRoot, "runs", `demo-store-${Date.now()}`),
      credentials,
      misbehaviour: { lossFraction: 0.05, meanOutageMs: 3_000, duplicateFraction: 0.02, reorderFraction: 0.02, malformedFraction: 0.005 },
      databaseUrl: config.DATABASE_URL,
    });
    console.log("waiting for the pipeline to catch up…");
    const audit = await auditAfterCatchUp({ brokers: fleet.brokers, groupId: fleet.pipelineGroupId, topic: "vehicle.telemetry", databaseUrl: config.DATABASE_URL, ackedEventIds: step.ackedEventIds, timeoutMs: 120_000 });
    await step.finishSampling();
    const dlqRecords = (await dlqEnd(fleet.brokers)) - dlqBefore;
    const db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    const stored = await db.query<{ rows: string; vehicles: string }>(
      "SELECT count(*) AS rows, count(DISTINCT vin) AS vehicles FROM telemetry WHERE event_id = ANY($1::uuid[])",
      [[...step.ackedEventIds]],
    );
    await db.end();
    const s = step.summary;
    const lines: [string, string | number][] = [
      ["messages generated", s.generated],
      ["MQTT publishes sent (incl. duplicates, resends)", s.published],
      ["PUBACKed by the gateway (= in Kafka)", s.acked],
      ["distinct events PUBACKed", step.ackedEventIds.size],
      ["rows stored for them", `${stored.rows[0]?.rows ?? 0} (from ${stored.rows[0]?.vehicles ?? 0} vehicles)`],
      ["duplicate sends absorbed (stored once)", s.duplicatesSent],
      ["reordered sends", s.reordered],
      ["connectivity outages / reconnects", `${s.outages} / ${s.reconnects}`],
      ["dropped from full vehicle buffers", s.droppedFromBuffer],
      ["malformed payloads sent → DLQ records", `${s.malformedSent} → ${dlqRecords}`],
      ["PUBACK latency p50 / p99", `${s.pubackP50Ms?.toFixed(0) ?? "-"} ms / ${s.pubackP99Ms?.toFixed(0) ?? "-"} ms`],
      ["loss audit", audit.missing === 0 && audit.duplicated === 0 ? `PASS: all ${audit.checked} PUBACKed events stored exactly once` : `FAIL: ${audit.missing} missing, ${audit.duplicated} stored twice (sample ${audit.missingSample.join(", ")})`],
    ];
    console.log(`\nFleetline demo summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    for (const [label, value] of lines) console.log(`  ${label.padEnd(48)} ${value}`);
    console.log(`
Look at the data (psql "${config.DATABASE_URL}"):
  SELECT vin, event_time, speed_kph, battery_soc_pct FROM vehicle_latest ORDER BY event_time DESC LIMIT 10;
  SELECT bucket, vin, sample_count, round(speed_avg::numeric, 1) AS avg_kph FROM telemetry_rollup_1m ORDER BY bucket DESC LIMIT 10;
  SELECT count(*), count(DISTINCT event_id) FROM telemetry;
Metrics: ${fleet.gatewayMetricsUrl}  ${fleet.pipelineMetricsUrl}   Dead letters: npm run dlq -- list`);
    if (values.keep) {
      console.log(`\n--keep: still running — gateway ${fleet.mqttUrl}, registry ${fleet.registryUrl}.`);
      console.log(`Stop them with: kill ${fleet.services.map((service) => service.pid).join(" ")}${fleet.startedKafka ? " && npm run stack:down" : ""}`);
      fleet = undefined;
    }
    return audit.missing === 0 && audit.duplicated === 0 ? 0 : 1;
  } finally {
    await fleet?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const { code, message } = describeError(error);
    console.error(`${code}: ${message}`);
    process.exit(1);
  },
);

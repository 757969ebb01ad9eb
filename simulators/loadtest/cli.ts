import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { commonConfigSchema, loadConfigOrExit } from "../../platform/config.ts";
import { describeError } from "../../platform/errors.ts";
import { startLocalFleet, type LocalFleet } from "../../stack/localFleet.ts";
import { stackRoot } from "../../stack/paths.ts";
import { printTable, writeBenchResult } from "../../bench/support.ts";
import { loadCredentials } from "../mqtt/credentials.ts";
import { auditAfterCatchUp } from "./audit.ts";
import { bestSustained, nextRampRate, type RampPolicy, type RampStep } from "./ramp.ts";
import { buildReport, type LoadReport } from "./report.ts";
import { runStep } from "./runStep.ts";

const usage = `Usage: npm run loadtest -- [--vehicles N] [--rate R] [--duration S] [--json FILE] [options]

Drives simulated vehicles (QoS1, persistent outgoing store) through the gateway into Kafka and PostgreSQL, then
audits: after the pipeline has caught up (lag 0, bounded wait) every PUBACKed event_id is looked up in
PostgreSQL. Exits 1 if anything PUBACKed is missing. By default it starts what it measures (local Kafka if not
running, registry, gateway, pipeline, a provisioned fleet) and stops it afterwards.

  --vehicles N          connections, one per vehicle                           (default 50)
  --rate R              offered messages/s in total                            (default 500)
  --duration S          seconds per run (or per ramp step)                     (default 30)
  --json FILE           also write the report as JSON (always: bench-results/loadtest.json)
  --ramp                raise the rate step by step (×--ramp-factor from --rate) until PUBACK p99 exceeds
                        --p99-bound-ms or the fleet falls behind; report the highest sustained rate
  --ramp-factor F       (default 1.5)     --ramp-steps N (default 6)     --p99-bound-ms MS (default 250)
  --mosquitto URL       also run the same load against this broker as a baseline (default with --ramp:
                        mqtt://127.0.0.1:1883; "none" to skip)
  --mqtt-url URL        target an already running gateway instead (needs --credentials); the audit uses
                        DATABASE_URL and KAFKA_BROKERS
  --credentials FILE    vehicle credentials for --mqtt-url (from npm run fleet -- provision --out)
  --group-id ID         pipeline consumer group for the lag check                (default fleetline-pipeline)
  --loss F --duplicates F --reorder F --malformed F   misbehaviour fractions (default 0)
  --audit-timeout S     longest wait for the pipeline to catch up               (default 120)
  --warmup S            connect the fleet at 10% of --rate for S seconds first, not measured (default 15; 0 = off)
  --help`;

const { values } = parseArgs({
  options: {
    vehicles: { type: "string", default: "50" },
    rate: { type: "string", default: "500" },
    duration: { type: "string", default: "30" },
    json: { type: "string" },
    ramp: { type: "boolean", default: false },
    "ramp-factor": { type: "string", default: "1.5" },
    "ramp-steps": { type: "string", default: "6" },
    "p99-bound-ms": { type: "string", default: "250" },
    mosquitto: { type: "string" },
    "mqtt-url": { type: "string" },
    credentials: { type: "string" },
    "group-id": { type: "string", default: "fleetline-pipeline" },
    loss: { type: "string", default: "0" },
    duplicates: { type: "string", default: "0" },
    reorder: { type: "string", default: "0" },
    malformed: { type: "string", default: "0" },
    "audit-timeout": { type: "string", default: "120" },
    warmup: { type: "string", default: "15" },
    help: { type: "boolean", short: "h", default: false },
  },
});

function numberFlag(name: keyof typeof values, check: (value: number) => boolean, expected: string): number {
  const raw = values[name];
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) {
    console.error(`--${name}: expected ${expected}, got ${String(raw)}\n\n${usage}`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<number> {
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const vehicles = numberFlag("vehicles", (v) => Number.isInteger(v) && v >= 1 && v <= 20_000, "an integer 1..20000");
  const rate = numberFlag("rate", (v) => v > 0 && v <= 1_000_000, "messages per second > 0");
  const durationS = numberFlag("duration", (v) => v > 0 && v <= 3_600, "seconds 1..3600");
  const fraction = (name: "loss" | "duplicates" | "reorder" | "malformed") => numberFlag(name, (v) => v >= 0 && v < 1, "a fraction in [0, 1)");
  const misbehaviour = { lossFraction: fraction("loss"), duplicateFraction: fraction("duplicates"), reorderFraction: fraction("reorder"), malformedFraction: fraction("malformed") };
  const policy: RampPolicy = {
    startRate: rate,
    factor: numberFlag("ramp-factor", (v) => v > 1, "a factor > 1"),
    maxSteps: numberFlag("ramp-steps", (v) => Number.isInteger(v) && v >= 1 && v <= 20, "1..20"),
    p99BoundMs: numberFlag("p99-bound-ms", (v) => v > 0, "milliseconds > 0"),
    minAchievedFraction: 0.9,
  };
  const auditTimeoutMs = numberFlag("audit-timeout", (v) => v > 0, "seconds > 0") * 1000;
  const warmupS = numberFlag("warmup", (v) => v >= 0 && v <= 600, "seconds 0..600");
  const mosquittoUrl = values.mosquitto === "none" ? undefined : (values.mosquitto ?? (values.ramp ? "mqtt://127.0.0.1:1883" : undefined));
  const config = loadConfigOrExit(commonConfigSchema);
  if (values["mqtt-url"] && !values.credentials) {
    console.error("--mqtt-url needs --credentials FILE (the gateway authenticates every vehicle)");
    return 2;
  }

  let fleet: LocalFleet | undefined;
  const stopFleet = async () => {
    const running = fleet;
    fleet = undefined;
    if (running) await running.stop();
  };
  process.once("SIGINT", () => void stopFleet().finally(() => process.exit(130)));
  try {
    // Every ramp step reconnects the whole fleet, which real vehicles do not do; a credential cache that outlives
    // the run keeps those reconnects from turning into an scrypt storm per step (first logins are in the warm-up).
    const gatewayEnv = { CREDENTIAL_CACHE_TTL_MS: String(3_600_000) };
    if (!values["mqtt-url"]) fleet = await startLocalFleet({ vehicles, databaseUrl: config.DATABASE_URL, log: (line) => console.log(line), gatewayEnv });
    const target = { mqttUrl: values["mqtt-url"] ?? fleet?.mqttUrl ?? "", credentialsFile: values.credentials ?? fleet?.credentialsFile ?? "" };
    const credentials = await loadCredentials(target.credentialsFile);
    const brokers = fleet?.brokers ?? config.KAFKA_BROKERS;
    const storeRoot = path.join(stackRoot, "runs", `store-${Date.now()}`);

    if (warmupS > 0) {
      // Connect the whole fleet once at a low rate first, so measured steps do not include first logins
      // (scrypt-verified, then cached by the gateway) or the pipeline's first batches.
      const warmup = await runStep({ label: "warm-up", mqttUrl: target.mqttUrl, vehicles, rate: Math.max(1, Math.round(rate / 10)), durationS: warmupS, seed: randomBytes(6).toString("hex"), storeRoot, credentials });
      await warmup.finishSampling();
    }
    const gatewayReports: LoadReport[] = [];
    const rampHistory: RampStep[] = [];
    for (let stepRate = nextRampRate([], policy); stepRate !== undefined; stepRate = values.ramp ? nextRampRate(rampHistory, policy) : undefined) {
      const seed = randomBytes(6).toString("hex");
      const step = await runStep({ label: `gateway ${stepRate}/s`, mqttUrl: target.mqttUrl, vehicles, rate: stepRate, durationS, seed, storeRoot, credentials, misbehaviour, databaseUrl: config.DATABASE_URL });
      const audit = await auditAfterCatchUp({ brokers, groupId: fleet?.pipelineGroupId ?? values["group-id"], topic: "vehicle.telemetry", databaseUrl: config.DATABASE_URL, ackedEventIds: step.ackedEventIds, timeoutMs: auditTimeoutMs });
      const report = buildReport({ target: "gateway → Kafka → PostgreSQL", offeredRate: stepRate, durationS, summary: step.summary, audit, e2eLatencies: await step.finishSampling() });
      gatewayReports.push(report);
      rampHistory.push({ offeredRate: stepRate, achievedRate: report.msgs_per_s, p99Ms: report.puback_p99_ms ?? undefined, failed: report.failed + report.missing!, unacked: report.unacked });
      if (audit.missing > 0) console.error(`LOSS: ${audit.missing} PUBACKed event_ids not stored (lag at audit ${audit.lagAtAudit}); sample: ${audit.missingSample.join(", ")}`);
    }

    const baselineReports: LoadReport[] = [];
    if (mosquittoUrl) {
      for (const step of gatewayReports) {
        const result = await runStep({ label: `mosquitto ${step.offered_rate}/s`, mqttUrl: mosquittoUrl, vehicles, rate: step.offered_rate, durationS, seed: randomBytes(6).toString("hex"), storeRoot });
        baselineReports.push(buildReport({ target: `Mosquitto alone (${mosquittoUrl})`, offeredRate: step.offered_rate, durationS, summary: result.summary, e2eLatencies: [] }));
      }
    }

    const best = bestSustained(rampHistory, policy);
    // With --ramp the headline is the highest step that held; none may have held, and then there is none.
    const primary = values.ramp ? (best ? gatewayReports[rampHistory.indexOf(best)] : undefined) : gatewayReports[0];
    const missing = gatewayReports.reduce((total, report) => total + (report.missing ?? 0), 0);
    const duplicated = gatewayReports.reduce((total, report) => total + (report.duplicated ?? 0), 0);
    printTable([...gatewayReports, ...baselineReports].map((report) => ({
      target: report.target, offered: report.offered_rate, "achieved/s": report.msgs_per_s, sent: report.sent, acked: report.acked, failed: report.failed,
      missing: report.missing ?? "-", dup: report.duplicated ?? "-", "p50 ms": report.puback_p50_ms ?? "-", "p99 ms": report.puback_p99_ms ?? "-", "e2e p50": report.e2e_p50_ms ?? "-", "e2e p99": report.e2e_p99_ms ?? "-",
    })));
    const result = {
      ...(primary ?? gatewayReports[gatewayReports.length - 1]),
      missing,
      duplicated,
      sent: gatewayReports.reduce((total, report) => total + report.sent, 0),
      acked: gatewayReports.reduce((total, report) => total + report.acked, 0),
      failed: gatewayReports.reduce((total, report) => total + report.failed, 0),
      ramp: values.ramp ? { p99_bound_ms: policy.p99BoundMs, highest_sustained_rate: primary?.msgs_per_s ?? null, highest_sustained_p99_ms: primary?.puback_p99_ms ?? null } : undefined,
      mosquitto_baseline: baselineReports,
      steps: gatewayReports,
      at: new Date().toISOString(),
    };
    if (values.ramp) {
      console.log(primary ? `\nhighest sustained rate with zero loss and p99 ≤ ${policy.p99BoundMs} ms: ${primary.msgs_per_s} msg/s (p99 ${primary.puback_p99_ms ?? "-"} ms)` : `\nno step held p99 ≤ ${policy.p99BoundMs} ms with zero loss; lower --rate`);
    }
    console.log(`loss audit: ${result.acked} PUBACKed, ${missing} missing, ${duplicated} stored more than once`);
    writeBenchResult("loadtest", result);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
    return missing > 0 ? 1 : 0;
  } finally {
    await stopFleet();
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

import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { describeError } from "../platform/errors.ts";
import { loadCredentials } from "./mqtt/credentials.ts";
import { startSimulation, type SimulationOptions, type SimulationSnapshot, type SimulationSummary } from "./mqtt/simulation.ts";

const HELP = `Usage: npm run simulate -- --vehicles N --rate <msgs/s total> --duration <s> [options]

Drives a simulated fleet over MQTT 3.1.1 (one connection per vehicle, client id = VIN, persistent session,
QoS1 with a file-backed outgoing store, so un-PUBACKed messages survive reconnects and restarts).

  --vehicles N          vehicles (connections) in this process            (default 10)
  --rate R              messages per second, total across the fleet        (default 100)
  --duration S          seconds of generation; then a bounded drain         (default 10)
  --mqtt-url URL        broker or gateway                                   (default mqtt://127.0.0.1:1884)
  --credentials FILE    JSON [{ "vin", "secret" }] from \`fleet provision --out\`; anonymous when absent
  --seed S              reproduces VINs, data and misbehaviour              (default: random, printed)
  --loss F              fraction of time each vehicle's network is down     (default 0)
  --outage-ms MS        mean length of one outage                           (default 5000)
  --buffer N            messages a vehicle keeps while offline; oldest dropped when full (default 1000)
  --duplicates F        fraction of messages sent twice (same event_id)     (default 0)
  --reorder F           fraction of messages sent after the next one        (default 0)
  --malformed F         fraction of payloads replaced by malformed ones     (default 0)
  --skew-ms MS          max |clock skew| per vehicle                        (default 0)
  --schema-version V    1 or 2 (v2 adds battery_temp_c, tyre_pressure_kpa, fault_codes) (default 2)
  --store-dir DIR       persistent outgoing stores                          (default .stack/simulator-store)
  --acked-out FILE      write every PUBACKed well-formed event_id, one per line
  --drain-s S           max seconds to wait for outstanding PUBACKs at the end (default 15)
  --json                print the final summary as JSON
  --help                this text
`;

const flags = {
  vehicles: { type: "string", default: "10" },
  rate: { type: "string", default: "100" },
  duration: { type: "string", default: "10" },
  "mqtt-url": { type: "string", default: "mqtt://127.0.0.1:1884" },
  credentials: { type: "string" },
  seed: { type: "string" },
  loss: { type: "string", default: "0" },
  "outage-ms": { type: "string", default: "5000" },
  buffer: { type: "string", default: "1000" },
  duplicates: { type: "string", default: "0" },
  reorder: { type: "string", default: "0" },
  malformed: { type: "string", default: "0" },
  "skew-ms": { type: "string", default: "0" },
  "schema-version": { type: "string", default: "2" },
  "store-dir": { type: "string", default: ".stack/simulator-store" },
  "acked-out": { type: "string" },
  "drain-s": { type: "string", default: "15" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

class UsageError extends Error {}

function number(values: Record<string, unknown>, name: string, check: (n: number) => boolean, expected: string): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || !check(value)) throw new UsageError(`--${name}: expected ${expected}, got ${String(values[name])}`);
  return value;
}
const fraction = (values: Record<string, unknown>, name: string) => number(values, name, (n) => n >= 0 && n < 1, "a fraction in [0, 1)");

async function parseOptions(argv: string[]): Promise<{ options: SimulationOptions; ackedOut?: string; json: boolean } | undefined> {
  const { values } = parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false });
  if (values.help) return undefined;
  const credentials = values.credentials ? await loadCredentials(values.credentials) : undefined;
  const vehicles = number(values, "vehicles", (n) => Number.isInteger(n) && n >= 1, "a positive integer");
  if (credentials && credentials.length < vehicles) throw new UsageError(`--credentials has ${credentials.length} vehicles, fewer than --vehicles ${vehicles}`);
  const schemaVersion = number(values, "schema-version", (n) => n === 1 || n === 2, "1 or 2") as 1 | 2;
  const options: SimulationOptions = {
    mqttUrl: values["mqtt-url"],
    vehicles,
    ratePerSecond: number(values, "rate", (n) => n > 0, "a positive number"),
    durationMs: number(values, "duration", (n) => n > 0, "a positive number of seconds") * 1000,
    seed: values.seed ?? randomBytes(6).toString("hex"),
    storeDir: values["store-dir"],
    ...(credentials ? { credentials } : {}),
    schemaVersion,
    drainTimeoutMs: number(values, "drain-s", (n) => n >= 0, "seconds ≥ 0") * 1000,
    misbehaviour: {
      lossFraction: fraction(values, "loss"),
      meanOutageMs: number(values, "outage-ms", (n) => n >= 1, "milliseconds ≥ 1"),
      bufferCapacity: number(values, "buffer", (n) => Number.isInteger(n) && n >= 1, "a positive integer"),
      duplicateFraction: fraction(values, "duplicates"),
      reorderFraction: fraction(values, "reorder"),
      malformedFraction: fraction(values, "malformed"),
      maxSkewMs: number(values, "skew-ms", (n) => n >= 0, "milliseconds ≥ 0"),
    },
  };
  return { options, json: values.json, ...(values["acked-out"] ? { ackedOut: values["acked-out"] } : {}) };
}

const ms = (value: number | undefined): string => (value === undefined ? "-" : `${value.toFixed(1)} ms`);

export function progressLine(snapshot: SimulationSnapshot, ratePerSecond: number): string {
  const c = snapshot.counters;
  const seconds = snapshot.elapsedMs / 1000;
  return (
    `t=${seconds.toFixed(0)}s offered=${ratePerSecond}/s achieved=${(c.acked / Math.max(seconds, 0.001)).toFixed(0)}/s ` +
    `sent=${c.published} acked=${c.acked} in-flight=${snapshot.inFlight} buffered=${snapshot.buffered} ` +
    `connected=${snapshot.connected}/${snapshot.vehicles} p50=${ms(snapshot.recentPubackP50Ms)} p99=${ms(snapshot.recentPubackP99Ms)} ` +
    `failed=${c.failed} dropped=${c.droppedFromBuffer} outages=${c.outages}`
  );
}

export function summaryTable(summary: SimulationSummary): string {
  const rows: [string, string | number][] = [
    ["seed", summary.seed],
    ["vehicles", summary.vehicles],
    ["generated", summary.generated],
    ["sent (publishes)", summary.published],
    ["acked (PUBACKs)", summary.acked],
    ["acked distinct event_ids", summary.ackedEventIds],
    ["failed", summary.failed],
    ["unacked at exit (kept in store)", summary.unacked],
    ["dropped from buffer", summary.droppedFromBuffer],
    ["duplicates sent", summary.duplicatesSent],
    ["malformed sent", summary.malformedSent],
    ["reordered", summary.reordered],
    ["outages / reconnects", `${summary.outages} / ${summary.reconnects}`],
    ["recovered from store / acked", `${summary.recoveredFromStore} / ${summary.recoveredAcked}`],
    ["achieved msgs/s", summary.msgsPerSecond.toFixed(1)],
    ["PUBACK p50", ms(summary.pubackP50Ms)],
    ["PUBACK p99", ms(summary.pubackP99Ms)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = await parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 64;
  }
  if (!parsed) {
    process.stdout.write(HELP);
    return 0;
  }
  const { options } = parsed;
  const simulation = startSimulation(options);
  process.stderr.write(`simulating ${simulation.vins.length} vehicles at ${options.ratePerSecond} msgs/s for ${options.durationMs / 1000}s against ${options.mqttUrl} (seed ${options.seed})\n`);
  const tty = process.stderr.isTTY;
  const progress = setInterval(() => {
    const line = progressLine(simulation.snapshot(), options.ratePerSecond);
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }, tty ? 500 : 5_000);
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    void simulation.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const summary = await simulation.finished;
  clearInterval(progress);
  if (tty) process.stderr.write("\n");
  if (parsed.ackedOut) await simulation.tracker.writeAckedEventIds(parsed.ackedOut);
  process.stdout.write(parsed.json ? `${JSON.stringify(summary)}\n` : `${summaryTable(summary)}\n`);
  return summary.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const described = describeError(error);
    process.stderr.write(`simulate failed: [${described.code}] ${described.message}\n`);
    process.exit(described.code.startsWith("SIM_CREDENTIALS") ? 66 : 1);
  },
);

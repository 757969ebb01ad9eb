import { randomBytes } from "node:crypto";
import pg from "pg";
import { hashSecret } from "../../../gateway/fleet/secrets.ts";
import { postgresFleetStore } from "../../../gateway/fleet/store.ts";
import { vinFromBytes } from "../../../gateway/core/vin.ts";
import type { KafkaAdmin } from "../../../platform/kafka/port.ts";
import { freePort } from "../../../stack/processes.ts";
import { httpReady, startService, type RunningService } from "../../../stack/services.ts";
import { createTestTopic, testBrokers } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";

export interface GatewayTopics {
  readonly telemetry: string;
  readonly telemetryDlq: string;
  readonly otaStatus: string;
  readonly otaCommands: string;
}

/** Four private RF-3 topics for one test file. */
export async function createGatewayTopics(admin: KafkaAdmin, prefix: string): Promise<GatewayTopics> {
  const topics = {
    telemetry: uniqueName(`${prefix}-telemetry`),
    telemetryDlq: uniqueName(`${prefix}-dlq`),
    otaStatus: uniqueName(`${prefix}-ota-status`),
    otaCommands: uniqueName(`${prefix}-ota-commands`),
  };
  for (const topic of Object.values(topics)) await createTestTopic(admin, topic);
  return topics;
}

/** Provisions `count` vehicles with random VINs in `databaseUrl`; returns VIN → plain secret. */
export async function provisionVehicles(databaseUrl: string, count: number): Promise<Map<string, string>> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const store = postgresFleetStore(pool);
    await store.ensureSchema();
    const secrets = new Map<string, string>();
    while (secrets.size < count) secrets.set(vinFromBytes(randomBytes(17)), randomBytes(16).toString("base64url"));
    const entries = await Promise.all([...secrets].map(async ([vin, secret]) => ({ vin, secretHash: await hashSecret(secret) })));
    await store.provision(entries);
    return secrets;
  } finally {
    await pool.end();
  }
}

/** `gateway/main.ts` as a child process (node --import tsx) on fixed free ports, so a restart keeps its address. */
export interface GatewayProcess {
  readonly mqttPort: number;
  readonly metricsPort: number;
  readonly pid: () => number;
  readonly logFile: () => string;
  /** Starts (again) with the same ports and environment; resolves when /readyz is 200. */
  start(): Promise<void>;
  /** Sends `signal` to the child's pid and waits until it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  alive(): boolean;
  metricsText(): Promise<string>;
  /** Sum of a metric's samples whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

export async function gatewayProcess(options: { databaseUrl: string; registryUrl: string; topics: GatewayTopics; env?: Record<string, string> }): Promise<GatewayProcess> {
  const mqttPort = await freePort();
  const metricsPort = await freePort();
  const name = uniqueName("gateway");
  let service: RunningService | undefined;
  const env: Record<string, string> = {
    KAFKA_BROKERS: testBrokers().join(","),
    DATABASE_URL: options.databaseUrl,
    SCHEMA_REGISTRY_URL: options.registryUrl,
    MQTT_HOST: "127.0.0.1",
    MQTT_PORT: String(mqttPort),
    METRICS_PORT: String(metricsPort),
    TELEMETRY_TOPIC: options.topics.telemetry,
    TELEMETRY_DLQ_TOPIC: options.topics.telemetryDlq,
    OTA_STATUS_TOPIC: options.topics.otaStatus,
    OTA_COMMANDS_TOPIC: options.topics.otaCommands,
    DOWNLINK_GROUP_ID: uniqueName("gw-downlink"),
    LOG_LEVEL: "warn",
    ...options.env,
  };
  const metricsText = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return {
    mqttPort,
    metricsPort,
    pid: () => service?.pid ?? 0,
    logFile: () => service?.logFile ?? "",
    async start() {
      service = await startService({ name, script: "gateway/main.ts", env, ready: httpReady(`http://127.0.0.1:${metricsPort}/readyz`), timeoutMs: 90_000 });
    },
    async stop(signal = "SIGTERM") {
      await service?.stop(signal);
    },
    alive: () => service !== undefined && !service.exited(),
    metricsText,
    async metric(metricName, labels = {}) {
      return sumSamples(await metricsText(), metricName, labels);
    },
  };
}

/** Sums Prometheus text samples of `name` whose labels contain every pair of `labels`. */
export function sumSamples(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map<string, string>([...(match[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1] ?? "", pair[2] ?? ""]));
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) sum += Number(match[4]);
  }
  return sum;
}

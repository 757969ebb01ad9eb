import { mkdirSync } from "node:fs";
import path from "node:path";
import { createKafkaClient } from "../platform/kafka/client.ts";
import { provisionTopics } from "../platform/topics/provision.ts";
import { brokerList, clusterStatus, readClusterState, startCluster, stopCluster } from "./kafkaCluster.ts";
import { stackRoot } from "./paths.ts";
import { ensureDatabase } from "./postgres.ts";
import { freePort } from "./processes.ts";
import { httpReady, runTool, startService, type RunningService } from "./services.ts";

/** Everything the demo and the load test run against, started on this machine and stopped by pid. */
export interface LocalFleet {
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly registryUrl: string;
  readonly mqttUrl: string;
  readonly gatewayMetricsUrl: string;
  readonly pipelineMetricsUrl: string;
  readonly pipelineGroupId: string;
  readonly credentialsFile: string;
  readonly services: readonly RunningService[];
  readonly startedKafka: boolean;
  stop(): Promise<void>;
}

export interface LocalFleetOptions {
  readonly vehicles: number;
  readonly databaseUrl: string;
  /** Use these brokers instead of the local stack (then nothing Kafka-side is started or stopped). */
  readonly brokers?: readonly string[];
  readonly log: (line: string) => void;
  /** Extra environment for the gateway (e.g. tighter budgets in overload runs). */
  readonly gatewayEnv?: Record<string, string>;
}

export async function startLocalFleet(options: LocalFleetOptions): Promise<LocalFleet> {
  const { log } = options;
  const services: RunningService[] = [];
  const clusterDir = process.env.STACK_DIR ?? path.join(stackRoot, "kafka");
  let startedKafka = false;
  let brokers = options.brokers;
  const stopAll = async () => {
    for (const service of [...services].reverse()) await service.stop();
    if (startedKafka) await stopCluster(clusterDir);
  };
  try {
    if (!brokers) {
      const running = clusterStatus(clusterDir);
      if (running.length === 0 || !running.every((node) => node.alive)) {
        log("starting the local Kafka stack (3 brokers)…");
        startedKafka = true;
      }
      const { state } = await startCluster(clusterDir, { ports: Number(process.env.STACK_KAFKA_PORT ?? 19092), log });
      brokers = brokerList(readClusterState(clusterDir) ?? state);
    }
    await ensureDatabase(options.databaseUrl);
    const admin = await createKafkaClient({ brokers, clientId: "fleetline-local" }).admin();
    try {
      const { created } = await provisionTopics(admin, 72);
      if (created.length) log(`created topics: ${created.join(", ")}`);
    } finally {
      await admin.disconnect();
    }
    const common = { KAFKA_BROKERS: brokers.join(","), DATABASE_URL: options.databaseUrl, LOG_LEVEL: "warn" };

    const registryPort = await freePort();
    const registryUrl = `http://127.0.0.1:${registryPort}`;
    log("starting the schema registry…");
    services.push(await startService({ name: "registry", script: "schemas/registry/main.ts", env: { ...common, REGISTRY_PORT: String(registryPort) }, ready: httpReady(`${registryUrl}/subjects`) }));
    await runTool("schemas/registry/registerAll.ts", [], { ...common, SCHEMA_REGISTRY_URL: registryUrl });

    const pipelineMetricsPort = await freePort();
    // One consumer group per database: a group's committed offsets describe what one store holds, so two local
    // fleets on different databases (tests, demo next to a load test) never split each other's partitions.
    const databaseName = new URL(options.databaseUrl).pathname.replace(/^\//, "") || "fleetline";
    const pipelineGroupId = databaseName === "fleetline" ? "fleetline-pipeline" : `fleetline-pipeline-${databaseName}`;
    log("starting the pipeline…");
    services.push(
      await startService({
        name: "pipeline",
        script: "pipeline/main.ts",
        env: { ...common, SCHEMA_REGISTRY_URL: registryUrl, METRICS_PORT: String(pipelineMetricsPort), PIPELINE_GROUP_ID: pipelineGroupId },
        ready: httpReady(`http://127.0.0.1:${pipelineMetricsPort}/readyz`),
        timeoutMs: 120_000,
      }),
    );

    const mqttPort = await freePort();
    const gatewayMetricsPort = await freePort();
    log("starting the gateway…");
    services.push(
      await startService({
        name: "gateway",
        script: "gateway/main.ts",
        env: { ...common, SCHEMA_REGISTRY_URL: registryUrl, MQTT_HOST: "127.0.0.1", MQTT_PORT: String(mqttPort), METRICS_PORT: String(gatewayMetricsPort), ...options.gatewayEnv },
        ready: httpReady(`http://127.0.0.1:${gatewayMetricsPort}/readyz`),
        timeoutMs: 120_000,
      }),
    );

    const runDir = path.join(stackRoot, "runs");
    mkdirSync(runDir, { recursive: true });
    const credentialsFile = path.join(runDir, `credentials-${Date.now()}.json`);
    log(`provisioning ${options.vehicles} vehicles…`);
    await runTool("gateway/fleet/cli.ts", ["provision", "--count", String(options.vehicles), "--out", credentialsFile], common, 300_000);

    return {
      brokers,
      databaseUrl: options.databaseUrl,
      registryUrl,
      mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
      gatewayMetricsUrl: `http://127.0.0.1:${gatewayMetricsPort}/metrics`,
      pipelineMetricsUrl: `http://127.0.0.1:${pipelineMetricsPort}/metrics`,
      pipelineGroupId,
      credentialsFile,
      services,
      startedKafka,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

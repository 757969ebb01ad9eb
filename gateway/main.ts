import { readFileSync } from "node:fs";
import pg from "pg";
import { loadConfigOrExit } from "../platform/config.ts";
import { createKafkaClient } from "../platform/kafka/client.ts";
import { createLogger } from "../platform/log.ts";
import { collectProcessMetrics } from "../platform/metrics.ts";
import { startOpsServer } from "../platform/opsServer.ts";
import { retryPolicies, withRetry } from "../platform/retry.ts";
import { onShutdown } from "../platform/shutdown.ts";
import { otaCommandV1, otaStatusV1, telemetryV2 } from "../schemas/catalog.ts";
import { createSerde } from "../schemas/serde.ts";
import { gatewayConfigSchema } from "./config.ts";
import { runDownlink } from "./downlink.ts";
import { createAuthenticator } from "./fleet/credentialCache.ts";
import { listenForRevocations, postgresCredentialSource } from "./fleet/postgresCredentials.ts";
import { verifySecret } from "./fleet/secrets.ts";
import { postgresFleetStore } from "./fleet/store.ts";
import { createAvroEncoder } from "./kafka/encoder.ts";
import { kafkaHealthProbe } from "./kafka/health.ts";
import { kafkaRecordSink } from "./kafka/sink.ts";
import { createGateway } from "./mqtt/aedesGateway.ts";
import { createIngest } from "./mqtt/ingest.ts";
import { listenTcp, listenTls, type Listener } from "./mqtt/listeners.ts";

// Composition root: `npm run gateway`.
const config = loadConfigOrExit(gatewayConfigSchema);
const logger = createLogger("gateway", config.LOG_LEVEL);
collectProcessMetrics("gateway");

const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 8 });
const onStartupRetry = (what: string) => (error: unknown, attempt: number, delayMs: number) =>
  logger.warn({ err: error, attempt, delayMs }, `${what} not available yet; retrying`);
await withRetry(retryPolicies.startup, () => postgresFleetStore(pool).ensureSchema(), { isRetriable: () => true, onRetry: onStartupRetry("PostgreSQL") });

const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: "fleetline-gateway", kind: config.KAFKA_CLIENT });
const producer = await kafka.producer({ lingerMs: config.KAFKA_LINGER_MS, deliveryTimeoutMs: config.PRODUCE_TIMEOUT_MS });
const serde = createSerde({ registryUrl: config.SCHEMA_REGISTRY_URL, retry: retryPolicies.registryCall });
const encoder = await withRetry(
  retryPolicies.startup,
  () => createAvroEncoder(serde, { telemetry: telemetryV2, telemetryVersion: 2, otaStatus: otaStatusV1, otaStatusVersion: 1 }),
  { isRetriable: () => true, onRetry: onStartupRetry("schema registry") },
);

const authenticator = createAuthenticator({
  source: postgresCredentialSource(pool),
  verify: verifySecret,
  now: Date.now,
  ttlMs: config.CREDENTIAL_CACHE_TTL_MS,
  capacity: config.CREDENTIAL_CACHE_SIZE,
});
const tlsConfigured = config.TLS_CERT_FILE !== undefined && config.TLS_KEY_FILE !== undefined;
const gateway = await createGateway({
  ingest: createIngest({
    sink: kafkaRecordSink(producer),
    encoder,
    now: Date.now,
    produceTimeoutMs: config.PRODUCE_TIMEOUT_MS,
    topics: { telemetry: config.TELEMETRY_TOPIC, telemetryDlq: config.TELEMETRY_DLQ_TOPIC, otaStatus: config.OTA_STATUS_TOPIC },
  }),
  authenticator,
  limits: {
    maxMessages: config.GLOBAL_INFLIGHT_MESSAGES,
    maxBytes: config.GLOBAL_INFLIGHT_BYTES,
    softMark: config.SOFT_WATERMARK,
    highMark: config.HIGH_WATERMARK,
    hardMark: config.HARD_WATERMARK,
    perClientInflight: config.PER_CLIENT_INFLIGHT,
  },
  maxPacketBytes: config.MAX_PACKET_BYTES,
  connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
  maxConnectionsPerSecond: config.MAX_CONNECTIONS_PER_SECOND,
  loginThrottle: { limit: config.FAILED_LOGIN_LIMIT, windowMs: config.FAILED_LOGIN_WINDOW_MS, blockMs: config.FAILED_LOGIN_BLOCK_MS },
  clientCertIdentity: tlsConfigured && config.TLS_REQUIRE_CLIENT_CERT,
  now: Date.now,
  logger,
});
const revocations = await listenForRevocations(
  config.DATABASE_URL,
  (vin) => {
    authenticator.evict(vin);
    if (gateway.disconnect(vin)) logger.info({ vin }, "revoked vehicle disconnected");
  },
  (error) => logger.error({ err: error, code: "GW_REVOCATION_LISTENER" }, "revocation listener failed; cache TTL still bounds revocation delay"),
);

const admin = await kafka.admin();
const health = kafkaHealthProbe(admin, { intervalMs: 2_000, timeoutMs: 3_000, onChange: (ready, reason) => logger.warn({ ready, reason }, "Kafka readiness changed") });
const consumer = await kafka.consumer({ groupId: config.DOWNLINK_GROUP_ID, fromBeginning: false });
await runDownlink({
  consumer,
  topic: config.OTA_COMMANDS_TOPIC,
  render: async (value) => Buffer.from(JSON.stringify(await serde.decode<unknown>(value, otaCommandV1))),
  publish: (vin, payload) => gateway.publishCommand(vin, payload),
  logger,
});

const listeners: Listener[] = [];
if (!(tlsConfigured && config.TLS_ONLY)) listeners.push(await listenTcp(gateway.handleConnection, config.MQTT_HOST, config.MQTT_PORT));
if (tlsConfigured) {
  listeners.push(
    await listenTls(gateway.handleConnection, config.MQTT_HOST, config.MQTTS_PORT, {
      cert: readFileSync(config.TLS_CERT_FILE ?? ""),
      key: readFileSync(config.TLS_KEY_FILE ?? ""),
      ca: config.TLS_CA_FILE === undefined ? undefined : readFileSync(config.TLS_CA_FILE),
      requestCert: config.TLS_REQUIRE_CLIENT_CERT,
    }),
  );
}
const ops = await startOpsServer({ port: config.METRICS_PORT, checks: { kafka: health.check } });
logger.info(
  { mqttPorts: listeners.map((listener) => listener.port), metricsPort: ops.port, tls: tlsConfigured, clientCerts: config.TLS_REQUIRE_CLIENT_CERT },
  "gateway listening",
);

onShutdown(logger, async () => {
  // Stop intake, let in-flight produces settle (their PUBACKs go out), then close clients.
  await Promise.all(listeners.map((listener) => listener.close()));
  await gateway.close();
  await consumer.disconnect();
  await producer.disconnect();
  health.stop();
  await admin.disconnect();
  await revocations.close();
  await ops.close();
  await pool.end();
});

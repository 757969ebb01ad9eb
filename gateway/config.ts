import { z } from "zod";
import { commonConfigSchema, env } from "../platform/config.ts";
import { topics } from "../schemas/catalog.ts";

const fraction = (fallback: number) =>
  z.coerce.number({ error: "expected a fraction between 0 and 1" }).gt(0, "expected a fraction > 0").max(1, "expected a fraction ≤ 1").default(fallback);
const optionalFile = z.string().min(1, "expected a file path").optional();
const topicName = (fallback: string) =>
  z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, "expected a Kafka topic name ([A-Za-z0-9._-], at most 249 characters)").default(fallback);

/** Gateway settings (environment variables), parsed once at start-up. */
export const gatewayConfigSchema = commonConfigSchema
  .extend({
    MQTT_HOST: z.string().min(1).default("0.0.0.0"),
    MQTT_PORT: env.port(1884),
    /** TLS listener (in addition to TCP) when both cert and key are set. */
    MQTTS_PORT: env.port(8884),
    TLS_CERT_FILE: optionalFile,
    TLS_KEY_FILE: optionalFile,
    TLS_CA_FILE: optionalFile,
    TLS_REQUIRE_CLIENT_CERT: env.boolean(false),
    /** Serve only TLS (no plain TCP listener) when TLS is configured. */
    TLS_ONLY: env.boolean(false),
    MAX_PACKET_BYTES: env.positiveInt(64 * 1024),
    CONNECT_TIMEOUT_MS: env.positiveInt(10_000),
    MAX_CONNECTIONS_PER_SECOND: env.positiveInt(500),
    FAILED_LOGIN_LIMIT: env.positiveInt(10),
    FAILED_LOGIN_WINDOW_MS: env.positiveInt(60_000),
    FAILED_LOGIN_BLOCK_MS: env.positiveInt(300_000),
    PER_CLIENT_INFLIGHT: env.positiveInt(100),
    GLOBAL_INFLIGHT_MESSAGES: env.positiveInt(50_000),
    GLOBAL_INFLIGHT_BYTES: env.positiveInt(64 * 1024 * 1024),
    SOFT_WATERMARK: fraction(0.6),
    HIGH_WATERMARK: fraction(0.8),
    HARD_WATERMARK: fraction(1),
    PRODUCE_TIMEOUT_MS: env.positiveInt(15_000),
    /** How long the producer waits to fill a request: more records per acks=all round trip vs added latency. */
    KAFKA_LINGER_MS: env.nonNegativeInt(2),
    CREDENTIAL_CACHE_TTL_MS: env.positiveInt(60_000),
    CREDENTIAL_CACHE_SIZE: env.positiveInt(200_000),
    DOWNLINK_GROUP_ID: z.string().min(1).default("fleetline-gateway-downlink"),
    METRICS_PORT: env.port(9465),
    /** Kafka topics (the catalog's by default; tests and side-by-side deployments use their own). */
    TELEMETRY_TOPIC: topicName(topics.telemetry),
    TELEMETRY_DLQ_TOPIC: topicName(topics.telemetryDlq),
    OTA_STATUS_TOPIC: topicName(topics.otaStatus),
    OTA_COMMANDS_TOPIC: topicName(topics.otaCommands),
  })
  .refine((config) => (config.TLS_CERT_FILE === undefined) === (config.TLS_KEY_FILE === undefined), {
    message: "set both TLS_CERT_FILE and TLS_KEY_FILE, or neither",
    path: ["TLS_KEY_FILE"],
  })
  .refine((config) => !config.TLS_REQUIRE_CLIENT_CERT || config.TLS_CA_FILE !== undefined, {
    message: "TLS_REQUIRE_CLIENT_CERT needs TLS_CA_FILE (the CA that signs vehicle certificates)",
    path: ["TLS_CA_FILE"],
  })
  .refine((config) => config.SOFT_WATERMARK < config.HIGH_WATERMARK && config.HIGH_WATERMARK < config.HARD_WATERMARK, {
    message: "expected SOFT_WATERMARK < HIGH_WATERMARK < HARD_WATERMARK",
    path: ["HIGH_WATERMARK"],
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

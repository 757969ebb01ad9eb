import pg from "pg";
import { loadPipelineConfig, type PipelineConfig } from "../../../../pipeline/config.ts";
import type { DecodedTelemetry } from "../../../../pipeline/core/telemetryRow.ts";
import { startPipeline, type RunningPipeline } from "../../../../pipeline/service.ts";
import type { KafkaAdmin, KafkaClient, KafkaProducer, OutgoingRecord } from "../../../../platform/kafka/port.ts";
import { createLogger } from "../../../../platform/log.ts";
import { telemetryV1, telemetryV2, valueSubject } from "../../../../schemas/catalog.ts";
import { startRegistry, type RunningRegistry } from "../../../../schemas/registry/server.ts";
import { createSerde, type Serde } from "../../../../schemas/serde.ts";
import { waitFor } from "../../../../stack/processes.ts";
import { createTestDatabase, type TestDatabase } from "../../../support/database.ts";
import { createTestTopic, testBrokers, testKafka } from "../../../support/kafka.ts";
import { uniqueName } from "../../../support/names.ts";
import { countAndDistinct } from "./snapshot.ts";

/** One test file's world: its own database, registry, topics and group; the real Kafka of the stack. */
export interface PipelineWorld {
  readonly database: TestDatabase;
  readonly pool: pg.Pool;
  readonly registry: RunningRegistry;
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly producer: KafkaProducer;
  readonly serde: Serde;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly env: Record<string, string>;
  config(overrides?: Record<string, string>): Readonly<PipelineConfig>;
  /** Encodes with the v1 or v2 writer schema and produces keyed by VIN, acks=all. */
  produce(records: readonly DecodedTelemetry[], version?: 1 | 2): Promise<void>;
  produceRaw(records: readonly OutgoingRecord[]): Promise<void>;
  start(overrides?: Record<string, string>): Promise<RunningPipeline>;
  waitForRows(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createPipelineWorld(
  prefix: string,
  options: { partitions?: number; kind?: "confluent" | "kafkajs" } = {},
): Promise<PipelineWorld> {
  const database = await createTestDatabase(prefix);
  try {
    return await buildWorld(database, prefix, options);
  } catch (error) {
    await database.drop().catch(() => undefined); // e.g. Kafka unreachable: leave no database behind
    throw error;
  }
}

async function buildWorld(
  database: TestDatabase,
  prefix: string,
  options: { partitions?: number; kind?: "confluent" | "kafkajs" } = {},
): Promise<PipelineWorld> {
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on("error", () => undefined); // failure tests terminate connections; an idle test client may be among them
  const registry = await startRegistry({ databaseUrl: database.url, port: 0 });
  const kafka = testKafka(options.kind ?? "confluent", `${prefix}-test`);
  const admin = await kafka.admin();
  const topic = await createTestTopic(admin, uniqueName(`${prefix}-telemetry`), options.partitions ?? 3);
  const dlqTopic = await createTestTopic(admin, `${topic}.dlq`, 1);
  const producer = await kafka.producer({ lingerMs: 5 });
  const serde = createSerde({ registryUrl: registry.url });
  const subject = valueSubject(topic);
  await serde.register(subject, telemetryV1);
  await serde.register(subject, telemetryV2);
  const env: Record<string, string> = {
    KAFKA_BROKERS: testBrokers().join(","),
    KAFKA_CLIENT: options.kind ?? "confluent",
    DATABASE_URL: database.url,
    SCHEMA_REGISTRY_URL: registry.url,
    LOG_LEVEL: process.env.PIPELINE_TEST_LOG_LEVEL ?? "silent",
    METRICS_PORT: "0",
    PIPELINE_TOPIC: topic,
    PIPELINE_DLQ_TOPIC: dlqTopic,
    PIPELINE_GROUP_ID: uniqueName(`${prefix}-group`),
    PIPELINE_BATCH_SIZE: "500",
  };
  const config = (overrides: Record<string, string> = {}) => loadPipelineConfig({ ...env, ...overrides });
  const running: RunningPipeline[] = [];
  return {
    database,
    pool,
    registry,
    kafka,
    admin,
    producer,
    serde,
    topic,
    dlqTopic,
    env,
    config,
    async produce(records, version = 2) {
      const schema = version === 1 ? telemetryV1 : telemetryV2;
      const values = await Promise.all(
        records.map(async (record) => {
          const body = version === 1 ? stripV2(record) : record;
          return {
            key: record.vin,
            value: await serde.encode(subject, schema, body),
            headers: { event_id: record.event_id },
          };
        }),
      );
      for (let i = 0; i < values.length; i += 1_000) await producer.send(topic, values.slice(i, i + 1_000));
    },
    async produceRaw(records) {
      await producer.send(topic, records);
    },
    async start(overrides = {}) {
      const logger = createLogger("pipeline-test", env.LOG_LEVEL);
      const pipeline = await startPipeline(config(overrides), { logger, serde });
      running.push(pipeline);
      return pipeline;
    },
    async waitForRows(count, timeoutMs = 60_000) {
      await waitFor(async () => ((await countAndDistinct(pool)).count >= count ? true : undefined), {
        timeoutMs,
        what: `${count} telemetry rows`,
      });
    },
    async close() {
      await Promise.allSettled(running.map((pipeline) => pipeline.stop()));
      await producer.disconnect();
      await admin.disconnect();
      await registry.close();
      await pool.end();
      await database.drop();
    },
  };
}

function stripV2(record: DecodedTelemetry): DecodedTelemetry {
  const { battery_temp_c: _b, tyre_pressure_kpa: _t, fault_codes: _f, ...v1 } = record;
  return v1;
}

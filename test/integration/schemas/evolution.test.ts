import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { subjects, telemetryV1, telemetryV2, type TelemetryV1, type TelemetryV2 } from "../../../schemas/catalog.ts";
import { startRegistry, type RunningRegistry } from "../../../schemas/registry/server.ts";
import { registerAllSchemas } from "../../../schemas/registry/registerAll.ts";
import { createRegistryClient } from "../../../schemas/registryClient.ts";
import { createSerde } from "../../../schemas/serde.ts";
import { waitFor } from "../../../stack/processes.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { createTestTopic, testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { telemetryV1Record, telemetryV2Record } from "../../unit/schemas/records.ts";

let database: TestDatabase;
let registry: RunningRegistry;
let kafka: KafkaClient;
let admin: KafkaAdmin;
const consumers: KafkaConsumer[] = [];

beforeAll(async () => {
  database = await createTestDatabase("schema_evolution");
  registry = await startRegistry({ databaseUrl: database.url, port: 0 });
  await registerAllSchemas(createRegistryClient({ url: registry.url }));
  kafka = testKafka("confluent", "schema-evolution");
  admin = await kafka.admin();
});

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)));
  await admin?.disconnect();
  await registry?.close();
  await database?.drop();
});

async function consumeAll(topic: string, expected: number): Promise<ConsumedRecord[]> {
  const received: ConsumedRecord[] = [];
  const consumer = await kafka.consumer({ groupId: uniqueName("schema-evolution"), fromBeginning: true });
  consumers.push(consumer);
  await consumer.subscribe([topic]);
  void consumer.run((batch) => {
    received.push(...batch.records);
    return Promise.resolve();
  });
  await waitFor(() => (received.length >= expected ? true : undefined), {
    timeoutMs: 60_000,
    what: `${expected} records`,
  });
  return received;
}

describe("telemetry evolution through real Kafka", () => {
  it("v1 and v2 producers with v1 and v2 consumers in one run: defaults filled, extra fields ignored", async () => {
    // Given a v1 producer and a v2 producer (separate serdes, as separate processes would be) on one topic
    const topic = await createTestTopic(admin, uniqueName("telemetry-evolution"), 3);
    const subject = "vehicle.telemetry-value";
    expect(subjects[subject].versions).toEqual([telemetryV1, telemetryV2]);
    const v1Producer = createSerde({ registryUrl: registry.url });
    const v2Producer = createSerde({ registryUrl: registry.url });
    const producer = await kafka.producer();
    const v1Records = Array.from({ length: 20 }, (_, i) => telemetryV1Record(i));
    const v2Records = Array.from({ length: 20 }, (_, i) => telemetryV2Record(100 + i));
    await producer.send(topic, [
      ...(await Promise.all(
        v1Records.map(async (r) => ({ key: r.vin, value: await v1Producer.encode(subject, telemetryV1, r) })),
      )),
      ...(await Promise.all(
        v2Records.map(async (r) => ({ key: r.vin, value: await v2Producer.encode(subject, telemetryV2, r) })),
      )),
    ]);
    await producer.disconnect();

    // When a v1 consumer and a v2 consumer each read the whole topic
    const received = await consumeAll(topic, 40);
    const v1Consumer = createSerde({ registryUrl: registry.url });
    const v2Consumer = createSerde({ registryUrl: registry.url });
    const readByV1 = await Promise.all(
      received.map((record) => v1Consumer.decode<TelemetryV1>(record.value, telemetryV1)),
    );
    const readByV2 = await Promise.all(
      received.map((record) => v2Consumer.decode<TelemetryV2>(record.value, telemetryV2)),
    );

    // Then the v2 consumer sees v1 records with the v2 defaults, and the v1 consumer sees v2 records without the new fields
    const bySeq = <T extends { seq: number }>(rows: T[]) => [...rows].sort((a, b) => a.seq - b.seq);
    expect(new Set(received.map((record) => record.value?.readUInt32BE(1))).size).toBe(2);
    expect(bySeq(readByV2)).toEqual([
      ...v1Records.map((r) => ({ ...r, battery_temp_c: null, tyre_pressure_kpa: null, fault_codes: [] })),
      ...v2Records,
    ]);
    expect(bySeq(readByV1)).toEqual([...v1Records, ...v2Records.map((r) => telemetryV1Record(r.seq))]);
  });
});

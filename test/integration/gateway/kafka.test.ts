import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaRecordSink } from "../../../gateway/kafka/sink.ts";
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaProducer } from "../../../platform/kafka/port.ts";
import { createTestTopic, testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { connectVehicle, publishQos1, startGateway, telemetry, vins, type RunningGateway } from "./harness.ts";
import { startSchemaStack, type SchemaStack } from "./schemaStack.ts";

const run = promisify(execFile);
const secrets = new Map(vins.map((vin) => [vin, `secret-${vin}`]));
let kafka: KafkaClient;
let admin: KafkaAdmin;
let producer: KafkaProducer;
let running: RunningGateway;
let schemas: SchemaStack;
const topics = { telemetry: uniqueName("gw-telemetry"), telemetryDlq: uniqueName("gw-dlq"), otaStatus: uniqueName("gw-ota-status") };
const records: ConsumedRecord[] = [];
let stopConsumer: () => Promise<void>;

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  for (const topic of Object.values(topics)) await createTestTopic(admin, topic);
  producer = await kafka.producer({ lingerMs: 1, deliveryTimeoutMs: 30_000 });
  schemas = await startSchemaStack("gw_kafka");
  running = await startGateway({ sink: kafkaRecordSink(producer), encoder: schemas.encoder, secrets, topics, produceTimeoutMs: 30_000 });
  const consumer = await kafka.consumer({ groupId: uniqueName("gw-test"), fromBeginning: true });
  await consumer.subscribe(Object.values(topics));
  await consumer.run((batch) => {
    records.push(...batch.records);
    return Promise.resolve();
  });
  stopConsumer = () => consumer.disconnect();
});

afterAll(async () => {
  await running?.close();
  await stopConsumer?.();
  await producer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
});

const eventIdOf = (record: ConsumedRecord) => record.headers.event_id?.toString();

describe("gateway into real Kafka (3 brokers, acks=all)", () => {
  it("stores a PUBACKed event in Kafka keyed by VIN, Avro v2 in wire format (decodable via the registry), with headers", async () => {
    // Given a vehicle connected to the gateway
    const vin = vins[0];
    const client = await connectVehicle(running.port, vin, secrets.get(vin)!);
    const event = telemetry(vin, 1);
    // When it publishes QoS 1 and gets its PUBACK
    await publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(event));
    client.end(true);
    // Then the record is in Kafka (it was acknowledged before the PUBACK, so it is readable now)
    await expect.poll(() => records.find((record) => eventIdOf(record) === event.event_id), { timeout: 30_000 }).toBeDefined();
    const record = records.find((entry) => eventIdOf(entry) === event.event_id)!;
    expect(record.topic).toBe(topics.telemetry);
    expect(record.key?.toString()).toBe(vin);
    expect(record.headers.schema?.toString()).toBe("vehicle.telemetry-value:v2");
    expect(record.value?.[0]).toBe(0); // Confluent wire format magic byte
    const decoded = await schemas.decodeTelemetry(record.value);
    expect(decoded).toMatchObject({ event_id: event.event_id, vin, seq: 1, speed_kph: 50, fault_codes: [] });
    expect(decoded.received_at).toBeGreaterThanOrEqual(event.event_time);
  });

  it("accepts mosquitto_pub, a client nobody here wrote, at QoS 1", async () => {
    const vin = vins[1];
    const event = telemetry(vin, 7);
    // When mosquitto_pub publishes with the vehicle's credentials (it exits 0 only after the PUBACK)
    await run("/usr/bin/mosquitto_pub", [
      "-h", "127.0.0.1", "-p", String(running.port), "-V", "mqttv311", "-q", "1",
      "-i", vin, "-u", vin, "-P", secrets.get(vin)!, "-t", `vehicles/${vin}/telemetry`, "-m", JSON.stringify(event),
    ]);
    // Then the record lands in Kafka keyed by the VIN
    await expect.poll(() => records.find((record) => eventIdOf(record) === event.event_id)?.key?.toString(), { timeout: 30_000 }).toBe(vin);
    const stored = records.find((record) => eventIdOf(record) === event.event_id)!;
    expect(await schemas.decodeTelemetry(stored.value)).toMatchObject({ event_id: event.event_id, vin, seq: 7 });
  });

  it("dead-letters invalid payloads with original bytes and the reason in headers, then PUBACKs", async () => {
    const vin = vins[2];
    const client = await connectVehicle(running.port, vin, secrets.get(vin)!);
    const garbage = JSON.stringify(telemetry(vin, 3, { speed_kph: "fast" }));
    await publishQos1(client, `vehicles/${vin}/telemetry`, garbage);
    client.end(true);
    await expect.poll(() => records.find((record) => record.topic === topics.telemetryDlq && record.key?.toString() === vin), { timeout: 30_000 }).toBeDefined();
    const record = records.find((entry) => entry.topic === topics.telemetryDlq && entry.key?.toString() === vin)!;
    expect(record.value?.toString()).toBe(garbage);
    expect(record.headers["dlq.error.code"]?.toString()).toBe("GW_PAYLOAD_INVALID");
    expect(record.headers["dlq.error.message"]?.toString()).toContain("speed_kph");
    expect(record.headers["dlq.source.topic"]?.toString()).toBe(`vehicles/${vin}/telemetry`);
    expect(record.headers.vin?.toString()).toBe(vin);
  });
});

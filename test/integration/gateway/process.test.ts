import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { createGatewayTopics, gatewayProcess, provisionVehicles, type GatewayProcess, type GatewayTopics } from "./gatewayProcess.ts";
import { connectVehicle, publishQos1, telemetry } from "./harness.ts";
import { startSchemaStack, type SchemaStack } from "./schemaStack.ts";

let kafka: KafkaClient;
let admin: KafkaAdmin;
let schemas: SchemaStack;
let topics: GatewayTopics;
let gateway: GatewayProcess;
let consumer: KafkaConsumer;
const records: ConsumedRecord[] = [];

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  topics = await createGatewayTopics(admin, "gwp");
  schemas = await startSchemaStack("gw_process");
  gateway = await gatewayProcess({ databaseUrl: schemas.database.url, registryUrl: schemas.registry.url, topics });
  await gateway.start();
  consumer = await kafka.consumer({ groupId: uniqueName("gwp"), fromBeginning: true });
  await consumer.subscribe([topics.telemetry]);
  await consumer.run((batch) => {
    records.push(...batch.records);
    return Promise.resolve();
  });
});

afterAll(async () => {
  await gateway?.stop("SIGKILL");
  await consumer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
});

describe("npm run gateway (gateway/main.ts as its own process)", () => {
  it("is ready, takes a provisioned vehicle's QoS 1 publish into Kafka as Avro, and counts it in /metrics", async () => {
    // Given the composition root started with the embedded registry, private topics and one provisioned vehicle
    const [[vin, secret]] = [...(await provisionVehicles(schemas.database.url, 1))] as [[string, string]];
    expect((await fetch(`http://127.0.0.1:${gateway.metricsPort}/readyz`)).status).toBe(200);
    // When the vehicle publishes QoS 1 and gets its PUBACK
    const client = await connectVehicle(gateway.mqttPort, vin, secret);
    const event = telemetry(vin, 42);
    await publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(event));
    client.end(true);
    // Then the record is in the private telemetry topic, keyed by VIN and decodable through the registry
    await expect.poll(() => records.find((record) => record.headers.event_id?.toString() === event.event_id), { timeout: 30_000 }).toBeDefined();
    const record = records.find((entry) => entry.headers.event_id?.toString() === event.event_id)!;
    expect(record.key?.toString()).toBe(vin);
    expect(await schemas.decodeTelemetry(record.value)).toMatchObject({ event_id: event.event_id, vin, seq: 42 });
    // And /metrics shows the counters
    expect(await gateway.metric("fleetline_gateway_messages_in_total", { topic: "telemetry", qos: "1" })).toBe(1);
    expect(await gateway.metric("fleetline_gateway_puback_latency_seconds_count")).toBe(1);
    expect(await gateway.metric("fleetline_gateway_kafka_produce_latency_seconds_count", { topic: topics.telemetry })).toBe(1);
  });
});

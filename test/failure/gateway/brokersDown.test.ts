import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaRecordSink } from "../../../gateway/kafka/sink.ts";
import { gatewayMetrics } from "../../../gateway/metrics.ts";
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaProducer } from "../../../platform/kafka/port.ts";
import { readClusterState, startNode, stopNode, waitUntilReady } from "../../../stack/kafkaCluster.ts";
import { createTestTopic, stackDir, testKafka, waitForFullIsr } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { connectVehicle, publishQos1, startGateway, telemetry, vins, type RunningGateway } from "../../integration/gateway/harness.ts";
import { startSchemaStack, type SchemaStack } from "../../integration/gateway/schemaStack.ts";

const secrets = new Map(vins.map((vin) => [vin, `secret-${vin}`]));
const topics = { telemetry: uniqueName("gwf-telemetry"), telemetryDlq: uniqueName("gwf-dlq"), otaStatus: uniqueName("gwf-ota") };
let kafka: KafkaClient;
let admin: KafkaAdmin;
let producer: KafkaProducer;
let running: RunningGateway;
let schemas: SchemaStack;

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  for (const topic of Object.values(topics)) await createTestTopic(admin, topic);
  producer = await kafka.producer({ lingerMs: 1, deliveryTimeoutMs: 120_000 });
  schemas = await startSchemaStack("gw_brokers_down");
  running = await startGateway({ sink: kafkaRecordSink(producer), encoder: schemas.encoder, secrets, topics, produceTimeoutMs: 5_000 });
});

afterAll(async () => {
  const dir = stackDir();
  for (const node of readClusterState(dir)?.nodes ?? []) await startNode(dir, node.id);
  await waitUntilReady(dir, { timeoutMs: 120_000 });
  await running?.close();
  await producer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
});

describe("gateway with every Kafka broker stopped", () => {
  it("sends no PUBACK while no broker is up, and after restart every message is stored", async () => {
    // Given a vehicle with a persistent outgoing store (mqtt.js keeps unacknowledged messages and resends)
    const vin = vins[0];
    const client = await connectVehicle(running.port, vin, secrets.get(vin)!, { reconnectPeriod: 500, clean: false });
    const dir = stackDir();
    const nodes = readClusterState(dir)?.nodes ?? [];
    // When every broker is stopped and the vehicle publishes
    for (const node of nodes) await stopNode(dir, node.id, "SIGKILL");
    const events = Array.from({ length: 20 }, (_, seq) => telemetry(vin, seq));
    let acked = 0;
    const acks = events.map((event) => publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(event)).then(() => acked++));
    // (absence cannot be polled for: wait until the gateway gave up on Kafka twice, i.e. ≥ 2 produce timeouts)
    const timeouts = async () => (await gatewayMetrics.produceFailures.get()).values.filter((value) => value.labels.code === "GW_PRODUCE_TIMEOUT").reduce((sum, value) => sum + value.value, 0);
    const timeoutsBefore = await timeouts();
    await expect.poll(timeouts, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(timeoutsBefore + 2);
    // Then no PUBACK has arrived (the gateway timed out, disconnected the vehicle, and it keeps retrying)
    expect(acked).toBe(0);
    // When the brokers come back
    for (const node of nodes) await startNode(dir, node.id);
    await waitUntilReady(dir, { timeoutMs: 120_000 });
    await waitForFullIsr(admin, topics.telemetry);
    // Then every message is PUBACKed and every event_id is in Kafka
    await Promise.all(acks);
    client.end(true);
    const seen = new Set<string>();
    const decoded: Promise<{ event_id: string }>[] = [];
    const consumer = await kafka.consumer({ groupId: uniqueName("gwf"), fromBeginning: true });
    await consumer.subscribe([topics.telemetry]);
    await consumer.run((batch) => {
      for (const record of batch.records as ConsumedRecord[]) {
        seen.add(record.headers.event_id?.toString() ?? "");
        decoded.push(schemas.decodeTelemetry(record.value));
      }
      return Promise.resolve();
    });
    await expect.poll(() => events.every((event) => seen.has(event.event_id)), { timeout: 60_000 }).toBe(true);
    await consumer.disconnect();
    // And the stored values are Avro that decodes through the registry to the same events
    expect(new Set((await Promise.all(decoded)).map((record) => record.event_id))).toEqual(new Set(events.map((event) => event.event_id)));
  });
});
